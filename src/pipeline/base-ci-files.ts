// The repository's CI files as they stand at the base commit, read from the mirror's objects: the
// agent can rewrite the worktree's workflows, and those would otherwise choose the gate's checks.
import {
  type CiFile,
  type CiFiles,
  ciRootFiles,
  isWorkflowName,
  maxCiFileBytes,
  maxTotalCiBytes,
  maxWorkflowFiles,
  workflowFolder,
} from "../verify/ci-config/ci-file.ts";
import { runGit } from "../workspace/git.ts";
import { parseTreeEntries } from "./base-verify-config.ts";

/** A listing of the root files and one folder is small; a larger one is not a real repository's. */
const maxListingBytes = 1024 * 1024;

async function readBlob(mirrorPath: string, objectId: string, signal?: AbortSignal): Promise<string> {
  const blob = await runGit(["cat-file", "blob", objectId], {
    gitDir: mirrorPath,
    signal,
    maxOutputBytes: maxCiFileBytes,
  });
  return blob.stdout;
}

/**
 * The CI files at `baseCommit` in the mirror; a link, a submodule or an oversized blob is refused
 * with a note (CI derivation is advice, so a refused file never fails the run).
 */
export async function readBaseCiFiles(
  mirrorPath: string,
  baseCommit: string,
  signal?: AbortSignal,
): Promise<CiFiles> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(baseCommit)) {
    return { files: [], notes: [`ci: "${baseCommit}" is not a commit id, so no CI files are read`] };
  }
  const listing = await runGit(
    ["ls-tree", "-z", "--full-tree", baseCommit, "--", ...ciRootFiles, `${workflowFolder}/`],
    { gitDir: mirrorPath, signal, maxOutputBytes: maxListingBytes },
  );
  const entries = parseTreeEntries(listing.stdout);
  const workflows = entries
    .filter((entry) => entry.path.startsWith(`${workflowFolder}/`))
    .filter((entry) => isWorkflowName(entry.path.slice(workflowFolder.length + 1)))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const notes: string[] = [];
  if (workflows.length > maxWorkflowFiles) {
    notes.push(`ci: only the first ${maxWorkflowFiles} workflows in ${workflowFolder} are read`);
  }
  const roots = ciRootFiles.flatMap((name) => entries.filter((entry) => entry.path === name));
  const files: CiFile[] = [];
  let total = 0;
  for (const entry of [...workflows.slice(0, maxWorkflowFiles), ...roots]) {
    // A link at the base is the repository's own trick: never followed.
    if (entry.type !== "blob" || !["100644", "100755"].includes(entry.mode)) {
      notes.push(`ci: ${entry.path} at the base commit is not a regular file; it is not read`);
      continue;
    }
    try {
      const text = await readBlob(mirrorPath, entry.objectId, signal);
      total += Buffer.byteLength(text);
      if (total > maxTotalCiBytes) {
        notes.push(
          `ci: ${entry.path} and later CI files are not read: together they pass ${maxTotalCiBytes} bytes`,
        );
        break;
      }
      files.push({ path: entry.path, text });
    } catch (error) {
      if (signal?.aborted) throw error;
      notes.push(`ci: ${entry.path} at the base commit is not read (larger than ${maxCiFileBytes} bytes?)`);
    }
  }
  return { files, notes };
}
