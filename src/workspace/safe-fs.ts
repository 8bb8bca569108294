// Host-side file access inside a worktree that never follows a link: a path is walked one component
// at a time from a descriptor of the root, so a directory swapped for a symlink cannot send a read
// or a write outside the worktree, and a FIFO, socket or device is never opened at all.
import { constants, type Dirent, type Stats } from "node:fs";
import { type FileHandle, mkdir, open, opendir } from "node:fs/promises";
import { type EntryKind, FileAccessError, refusal } from "./file-access-error.ts";

export { type EntryKind, FileAccessError, type FileAccessReason } from "./file-access-error.ts";

/**
 * Linux's O_PATH (the same value on x86-64, arm64 and riscv), which Node does not export: a
 * descriptor that names an inode without opening it, so looking at a FIFO cannot block and
 * looking at a device cannot trigger its driver. The inode is opened for real only through it.
 */
const openPathOnly = 0o10000000;
/** Path components walked at most: deeper than Linux's PATH_MAX allows anyway. */
const maxComponents = 2_048;
/** Bytes read per call, so a read checks its signal between chunks. */
const readChunkBytes = 64 * 1024;
/** Attempts to create a file when something else keeps appearing at its name. */
const maxCreateAttempts = 3;

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
function through(handle: FileHandle, name?: string): string {
  return name === undefined ? `/proc/self/fd/${handle.fd}` : `/proc/self/fd/${handle.fd}/${name}`;
}

/** The kind a stat or a directory entry records; undefined when a directory entry does not say (DT_UNKNOWN). */
function kindOf(stats: Dirent | Stats): EntryKind | undefined {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "directory";
  if (stats.isSymbolicLink()) return "symlink";
  if (stats.isFIFO()) return "fifo";
  if (stats.isSocket()) return "socket";
  return stats.isBlockDevice() || stats.isCharacterDevice() ? "device" : undefined;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

interface Entry {
  handle: FileHandle;
  kind: EntryKind;
  size: number;
  links: number;
}

/** `name` in the directory `directory` holds, opened as a path only and never followed; undefined when absent. */
async function openEntry(directory: FileHandle, name: string): Promise<Entry | undefined> {
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

async function openRoot(root: string): Promise<FileHandle> {
  // The root's own path is the platform's choice, so following links in it is fine; nothing below is followed.
  return open(root, openPathOnly | constants.O_DIRECTORY);
}

/** Hold the directory `parts` names under `root`, each step relative to the one before; with `create`, make missing ones. */
async function holdDirectory(
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
function parentAndName(relativePath: string): { parents: string[]; name: string; shown: string } {
  const parts = pathComponents(relativePath);
  const name = parts.pop();
  if (name === undefined)
    throw new FileAccessError("directory", ".", "the worktree root is a directory, not a file");
  return { parents: parts, name, shown: [...parts, name].join("/") };
}

/**
 * What `relativePath` is, without following a link at any step. When a parent is not a directory,
 * the answer is what stands in the way: "symlink" for a link, "missing" for anything else (a
 * file or FIFO has no children), as a path lookup would say ENOTDIR.
 */
export async function entryKindInside(
  root: string,
  relativePath: string,
  options: WalkOptions = {},
): Promise<EntryKind> {
  const parts = pathComponents(relativePath);
  const name = parts.pop();
  if (name === undefined) return "directory";
  let directory: FileHandle;
  try {
    directory = await holdDirectory(root, parts, options);
  } catch (error) {
    if (!FileAccessError.isFileAccessError(error)) throw error;
    if (error.reason === "symlink") return "symlink";
    if (error.reason === "missing" || error.reason === "not-a-directory") return "missing";
    throw error;
  }
  try {
    const entry = await openEntry(directory, name);
    await entry?.handle.close();
    return entry?.kind ?? "missing";
  } finally {
    await directory.close();
  }
}

/** A regular file opened for reading; the caller closes `handle`. */
export interface OpenedFile {
  handle: FileHandle;
  size: number;
}

/** Open the regular file at `relativePath` for reading; refuses links, directories and special files. */
export async function openRegularFileInside(
  root: string,
  relativePath: string,
  options: WalkOptions = {},
): Promise<OpenedFile> {
  const { parents, name, shown } = parentAndName(relativePath);
  const directory = await holdDirectory(root, parents, options);
  try {
    const entry = await openEntry(directory, name);
    if (entry?.kind !== "file") {
      await entry?.handle.close();
      throw refusal(entry?.kind ?? "missing", shown, "file");
    }
    try {
      // Reopening through the descriptor opens exactly the inode just checked; no name is looked up again.
      const handle = await open(through(entry.handle), constants.O_RDONLY | constants.O_NONBLOCK);
      return { handle, size: entry.size };
    } finally {
      await entry.handle.close();
    }
  } finally {
    await directory.close();
  }
}

/** Read at most `maxBytes + 1` bytes of an open file from its position, checking `signal` between chunks. */
export async function readBounded(
  handle: FileHandle,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total <= maxBytes) {
    if (signal?.aborted) throw new FileAccessError("aborted", "", "the read was cancelled");
    const want = Math.min(readChunkBytes, maxBytes + 1 - total);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(want), 0, want, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks);
}

export interface ReadOptions extends WalkOptions {
  /** Larger files are refused with reason "too-large" (a regular file is never read past this). */
  maxBytes: number;
  signal?: AbortSignal;
}

/** The bytes of the regular file at `relativePath`, bounded by `maxBytes`; a FIFO or link is refused at once. */
export async function readRegularFileInside(
  root: string,
  relativePath: string,
  options: ReadOptions,
): Promise<Buffer> {
  const { handle, size } = await openRegularFileInside(root, relativePath, options);
  try {
    const shown = pathComponents(relativePath).join("/");
    const tooLarge = () =>
      new FileAccessError(
        "too-large",
        shown,
        `${shown} is larger than ${options.maxBytes} bytes; it is not read`,
      );
    if (size > options.maxBytes) throw tooLarge();
    const bytes = await readBounded(handle, options.maxBytes, options.signal);
    // The file may have grown since it was measured: the bound holds on what was read, not on fstat.
    if (bytes.length > options.maxBytes) throw tooLarge();
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Open an existing regular file (checked through its path-only descriptor) for writing, emptied. */
async function reopenForWrite(entry: Entry, shown: string): Promise<FileHandle> {
  if (entry.kind !== "file") throw refusal(entry.kind, shown, "file");
  // A second name for the inode may lie outside what the agent should change: never write through it.
  if (entry.links > 1) {
    throw new FileAccessError("hard-linked", shown, `${shown} has other hard links; it is not written`);
  }
  return open(through(entry.handle), constants.O_WRONLY | constants.O_TRUNC);
}

/**
 * Write `content` to the regular file at `relativePath`, creating it (mode 0666 less the umask,
 * as writeFile does) when absent; with `createParents`, missing parent directories are made. A
 * link, FIFO, device or hard-linked file at the name, or a link anywhere on the way, is refused.
 */
export async function writeRegularFileInside(
  root: string,
  relativePath: string,
  content: string | Uint8Array,
  options: WalkOptions & { createParents?: boolean } = {},
): Promise<{ created: boolean }> {
  const { parents, name, shown } = parentAndName(relativePath);
  const directory = await holdDirectory(root, parents, { ...options, create: options.createParents });
  try {
    for (let attempt = 0; attempt < maxCreateAttempts; attempt++) {
      const entry = await openEntry(directory, name);
      if (entry) {
        const handle = await reopenForWrite(entry, shown).finally(() => entry.handle.close());
        await writeAndClose(handle, content);
        return { created: false };
      }
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
      // O_EXCL: if anything (a link included) appeared at the name since the look, this fails and we look again.
      const created = await open(through(directory, name), flags, 0o666).catch((error: unknown) => {
        if (errorCode(error) === "EEXIST") return undefined;
        throw error;
      });
      if (created) {
        await writeAndClose(created, content);
        return { created: true };
      }
    }
    throw new FileAccessError("changing", shown, `${shown} keeps changing while it is written; try again`);
  } finally {
    await directory.close();
  }
}

async function writeAndClose(handle: FileHandle, content: string | Uint8Array): Promise<void> {
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

/** The kind of `name` when the directory entry does not record it (some filesystems never do). */
async function kindByLook(directory: FileHandle, name: string): Promise<EntryKind> {
  const entry = await openEntry(directory, name);
  await entry?.handle.close();
  return entry?.kind ?? "missing";
}

/** One name in a directory listing, with its kind as the directory records it (links not followed). */
export interface ListedEntry {
  name: string;
  kind: EntryKind;
}

/** The entries of the directory at `relativePath` (at most `maxEntries`, unsorted; `cut` says more were left). */
export async function listDirectoryInside(
  root: string,
  relativePath: string,
  options: WalkOptions & { maxEntries: number },
): Promise<{ entries: ListedEntry[]; cut: boolean }> {
  const directory = await holdDirectory(root, pathComponents(relativePath), options);
  try {
    const listing = await opendir(through(directory), { bufferSize: 128 });
    const entries: ListedEntry[] = [];
    try {
      for (let dirent = await listing.read(); dirent !== null; dirent = await listing.read()) {
        if (entries.length >= options.maxEntries) return { entries, cut: true };
        entries.push({
          name: dirent.name,
          kind: kindOf(dirent) ?? (await kindByLook(directory, dirent.name)),
        });
      }
    } finally {
      await listing.close();
    }
    return { entries, cut: false };
  } finally {
    await directory.close();
  }
}
