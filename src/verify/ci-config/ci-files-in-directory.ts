// Reads the CI files of a directory that is the user's own (`slipway verify --repo DIR`): never
// following a link, refusing FIFOs and oversized files with a note. A run reads them at the base
// commit instead (pipeline/base-ci-files.ts), never from the agent's worktree.
import { entryKindInside, listDirectoryInside, readRegularFileInside } from "../../workspace/safe-fs.ts";
import {
  type CiFiles,
  ciRootFiles,
  maxCiFileBytes,
  readWithinTotal,
  workflowFolder,
  workflowPathsToRead,
} from "./ci-file.ts";

async function readOne(directory: string, file: string, notes: string[]): Promise<string | undefined> {
  const kind = await entryKindInside(directory, file);
  if (kind === "missing") return undefined;
  if (kind !== "file") {
    notes.push(`ci: ${file} is a ${kind}, not a regular file; it is not read`);
    return undefined;
  }
  try {
    return (await readRegularFileInside(directory, file, { maxBytes: maxCiFileBytes })).toString("utf8");
  } catch (error) {
    notes.push(`ci: ${file} is not read: ${(error as Error).message}`);
    return undefined;
  }
}

/** The workflow paths of `.github/workflows` to read (none when it is not a plain directory). */
async function workflowPaths(directory: string, notes: string[]): Promise<string[]> {
  const kind = await entryKindInside(directory, workflowFolder);
  if (kind === "missing") return [];
  if (kind !== "directory") {
    notes.push(`ci: ${workflowFolder} is a ${kind}, not a directory; it is not read`);
    return [];
  }
  const listing = await listDirectoryInside(directory, workflowFolder, { maxEntries: 1000 });
  return workflowPathsToRead(
    listing.entries.map((entry) => entry.name),
    notes,
    listing.cut,
  );
}

/** The CI files of `directory` (the user's own checkout), with notes on what was refused. */
export async function readCiFilesInDirectory(directory: string): Promise<CiFiles> {
  const notes: string[] = [];
  const paths = [...(await workflowPaths(directory, notes)), ...ciRootFiles];
  const files = await readWithinTotal(paths, (file) => readOne(directory, file, notes), notes);
  return { files, notes };
}
