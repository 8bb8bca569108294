// The repository's CI files as they stand at the base commit, read from the mirror's objects: the
// agent can rewrite the worktree's workflows, and those would otherwise choose the gate's checks.
import {
  type CiFiles,
  ciRootFiles,
  maxCiFileBytes,
  readWithinTotal,
  workflowFolder,
  workflowPathsToRead,
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
  mirrorPath: string | undefined,
  baseCommit: string | undefined,
  signal?: AbortSignal,
): Promise<CiFiles> {
  // Without a mirror, git would find a repository from the process's directory: never that one.
  if (!mirrorPath) return { files: [], notes: ["ci: no repository mirror, so no CI files are read"] };
  if (baseCommit === undefined || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(baseCommit)) {
    return { files: [], notes: [`ci: "${baseCommit ?? ""}" is not a commit id, so no CI files are read`] };
  }
  const listing = await runGit(
    ["ls-tree", "-z", "--full-tree", baseCommit, "--", ...ciRootFiles, `${workflowFolder}/`],
    { gitDir: mirrorPath, signal, maxOutputBytes: maxListingBytes },
  );
  const entries = new Map(parseTreeEntries(listing.stdout).map((entry) => [entry.path, entry]));
  const notes: string[] = [];
  const workflowNames = [...entries.keys()]
    .filter((name) => name.startsWith(`${workflowFolder}/`))
    .map((name) => name.slice(workflowFolder.length + 1));
  const paths = [
    ...workflowPathsToRead(workflowNames, notes),
    ...ciRootFiles.filter((name) => entries.has(name)),
  ];
  const read = async (file: string): Promise<string | undefined> => {
    const entry = entries.get(file)!;
    // A link at the base is the repository's own trick: never followed.
    if (entry.type !== "blob" || !["100644", "100755"].includes(entry.mode)) {
      notes.push(`ci: ${file} at the base commit is not a regular file; it is not read`);
      return undefined;
    }
    try {
      return await readBlob(mirrorPath, entry.objectId, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      notes.push(`ci: ${file} at the base commit is not read (larger than ${maxCiFileBytes} bytes?)`);
      return undefined;
    }
  };
  const files = await readWithinTotal(paths, read, notes);
  return { files, notes };
}
