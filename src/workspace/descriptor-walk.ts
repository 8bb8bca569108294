// The walk under safe-fs: each component of a worktree path looked up relative to a descriptor of
// the directory before it, never following a link, and opened as a path only until it is checked.
import { constants, type Dirent, type Stats } from "node:fs";
import { type FileHandle, mkdir, open, stat } from "node:fs/promises";
import { SlipwayError } from "../core/errors.ts";
import { type EntryKind, FileAccessError, refusal } from "./file-access-error.ts";

/**
 * Linux's O_PATH (the same value on x86-64, arm64 and riscv), which Node does not export: a
 * descriptor that names an inode without opening it, so looking at a FIFO cannot block and
 * looking at a device cannot trigger its driver. The inode is opened for real only through it.
 */
const openPathOnly = 0o10000000;
/** Path components walked at most: deeper than Linux's PATH_MAX allows anyway. */
const maxComponents = 2_048;

/** Options every walk takes. */
export interface WalkOptions {
  /** Called after each directory of the path is held, before the next name is looked up: a test hook for races. */
  afterStep?: (reached: string) => Promise<void> | void;
}

/** The components of a worktree-relative path; refuses absolute paths, `..` and NUL bytes. */
export function pathComponents(relativePath: string): string[] {
  const invalid = (why: string) =>
    new FileAccessError("invalid-path", relativePath, `path "${relativePath}" ${why}`);
  if (relativePath.includes("\0")) throw invalid("contains a NUL byte");
  if (relativePath.startsWith("/")) throw invalid("is absolute; give a path relative to the worktree");
  const parts = relativePath.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) throw invalid('contains ".."; give a path inside the worktree');
  if (parts.length > maxComponents) throw invalid("is too deep");
  return parts;
}

/** The path that names `name` in exactly the directory `handle` holds (Linux resolves it through the descriptor, not a path). */
export function through(handle: FileHandle, name?: string): string {
  return name === undefined ? `/proc/self/fd/${handle.fd}` : `/proc/self/fd/${handle.fd}/${name}`;
}

/** The kind a stat or a directory entry records; undefined when a directory entry does not say (DT_UNKNOWN). */
export function kindOf(stats: Dirent | Stats): EntryKind | undefined {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "directory";
  if (stats.isSymbolicLink()) return "symlink";
  if (stats.isFIFO()) return "fifo";
  if (stats.isSocket()) return "socket";
  return stats.isBlockDevice() || stats.isCharacterDevice() ? "device" : undefined;
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export interface Entry {
  handle: FileHandle;
  kind: EntryKind;
  size: number;
  links: number;
}

/** `name` in the directory `directory` holds, opened as a path only and never followed; undefined when absent. */
export async function openEntry(directory: FileHandle, name: string): Promise<Entry | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(through(directory, name), openPathOnly | constants.O_NOFOLLOW);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    return { handle, kind: kindOf(stats) ?? "device", size: stats.size, links: stats.nlink };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

export async function openRoot(root: string): Promise<FileHandle> {
  // The root's own path is the platform's choice, so following links in it is fine; nothing below is followed.
  const handle = await open(root, openPathOnly | constants.O_DIRECTORY);
  // Without /proc every name would look missing: fail loudly instead of answering wrongly.
  const viaProc = await stat(through(handle)).catch(() => undefined);
  const direct = await handle.stat();
  if (viaProc?.ino !== direct.ino || viaProc.dev !== direct.dev) {
    await handle.close();
    throw new SlipwayError(
      "workspace_failed",
      `cannot reach ${root} through /proc/self/fd: host file access inside a worktree needs /proc mounted`,
    );
  }
  return handle;
}

/** Hold the directory `parts` names under `root`, each step relative to the one before; with `create`, make missing ones. */
export async function holdDirectory(
  root: string,
  parts: readonly string[],
  options: WalkOptions & { create?: boolean },
): Promise<FileHandle> {
  let current = await openRoot(root);
  try {
    for (let index = 0; index < parts.length; index++) {
      const name = parts[index]!;
      const reached = parts.slice(0, index + 1).join("/");
      let next = await openEntry(current, name);
      if (!next && options.create) {
        // mkdir never follows its last component: a link planted at the name makes it fail with EEXIST.
        await mkdir(through(current, name), 0o777).catch((error: unknown) => {
          if (errorCode(error) !== "EEXIST") throw error;
        });
        next = await openEntry(current, name);
      }
      if (next?.kind !== "directory") {
        await next?.handle.close();
        throw refusal(next?.kind ?? "missing", reached, "directory");
      }
      await current.close();
      current = next.handle;
      await options.afterStep?.(reached);
    }
    return current;
  } catch (error) {
    await current.close();
    throw error;
  }
}

/** Split `relativePath` into its parent's components and its own name; the root itself has no name. */
export function parentAndName(relativePath: string): { parents: string[]; name: string; shown: string } {
  const parts = pathComponents(relativePath);
  const name = parts.pop();
  if (name === undefined)
    throw new FileAccessError("directory", ".", "the worktree root is a directory, not a file");
  return { parents: parts, name, shown: [...parts, name].join("/") };
}
