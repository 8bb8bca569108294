// Reading a worktree's manifests for setup detection: only through safe-fs, so a planted link or
// FIFO is refused at once (never followed to a host file, never left to hang the run).
import { entryKindInside, FileAccessError, readRegularFileInside } from "../workspace/safe-fs.ts";

/** A manifest or lockfile larger than this is not read (detection needs a few fields). */
const maxManifestBytes = 4 * 1024 * 1024;

/** True when `relativePath` is a regular file inside `root` (a link, FIFO or directory is not). */
export async function isRegularFile(root: string, relativePath: string): Promise<boolean> {
  return (await entryKindInside(root, relativePath)) === "file";
}

/** The first of `names` that is a regular file inside `root`, or undefined. */
export async function firstRegularFile(root: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) if (await isRegularFile(root, name)) return name;
  return undefined;
}

/**
 * The text of the regular file at `relativePath`, or undefined when it is missing or is not a
 * regular file (a link or a FIFO planted by the repository); a file over 4 MiB is not read either.
 */
export async function readManifest(root: string, relativePath: string): Promise<string | undefined> {
  try {
    return (await readRegularFileInside(root, relativePath, { maxBytes: maxManifestBytes })).toString("utf8");
  } catch (error) {
    // Missing, a link, a FIFO or too large: detection treats all of them as "no such manifest".
    if (FileAccessError.isFileAccessError(error)) return undefined;
    throw error;
  }
}
