// Reads the CI files of a directory that is the user's own (`slipway verify --repo DIR`): never
// following a link, refusing FIFOs and oversized files with a note. A run reads them at the base
// commit instead (pipeline/base-ci-files.ts), never from the agent's worktree.
import { entryKindInside, listDirectoryInside, readRegularFileInside } from "../../workspace/safe-fs.ts";
import {
  type CiFile,
  type CiFiles,
  ciRootFiles,
  isWorkflowName,
  maxCiFileBytes,
  maxTotalCiBytes,
  maxWorkflowFiles,
  workflowFolder,
} from "./ci-file.ts";

async function readOne(directory: string, file: string, notes: string[]): Promise<CiFile | undefined> {
  const kind = await entryKindInside(directory, file);
  if (kind === "missing") return undefined;
  if (kind !== "file") {
    notes.push(`ci: ${file} is a ${kind}, not a regular file; it is not read`);
    return undefined;
  }
  try {
    const bytes = await readRegularFileInside(directory, file, { maxBytes: maxCiFileBytes });
    return { path: file, text: bytes.toString("utf8") };
  } catch (error) {
    notes.push(`ci: ${file} is not read: ${(error as Error).message}`);
    return undefined;
  }
}

/** The workflow file names in `.github/workflows`, sorted, at most maxWorkflowFiles. */
async function workflowNames(directory: string, notes: string[]): Promise<string[]> {
  const kind = await entryKindInside(directory, workflowFolder);
  if (kind === "missing") return [];
  if (kind !== "directory") {
    notes.push(`ci: ${workflowFolder} is a ${kind}, not a directory; it is not read`);
    return [];
  }
  const listing = await listDirectoryInside(directory, workflowFolder, { maxEntries: 1000 });
  const names = listing.entries
    .filter((entry) => isWorkflowName(entry.name))
    .map((entry) => entry.name)
    .sort();
  if (names.length > maxWorkflowFiles || listing.cut) {
    notes.push(`ci: only the first ${maxWorkflowFiles} workflows in ${workflowFolder} are read`);
  }
  return names.slice(0, maxWorkflowFiles);
}

/** The CI files of `directory` (the user's own checkout), with notes on what was refused. */
export async function readCiFilesInDirectory(directory: string): Promise<CiFiles> {
  const notes: string[] = [];
  const files: CiFile[] = [];
  const paths = [
    ...(await workflowNames(directory, notes)).map((name) => `${workflowFolder}/${name}`),
    ...ciRootFiles,
  ];
  let total = 0;
  for (const file of paths) {
    const read = await readOne(directory, file, notes);
    if (!read) continue;
    total += Buffer.byteLength(read.text);
    if (total > maxTotalCiBytes) {
      notes.push(`ci: ${file} and later CI files are not read: together they pass ${maxTotalCiBytes} bytes`);
      break;
    }
    files.push(read);
  }
  return { files, notes };
}
