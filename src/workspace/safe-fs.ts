// Host-side file access inside a worktree that never follows a link: a path is walked one component
// at a time from a descriptor of the root, so a directory swapped for a symlink cannot send a read
// or a write outside the worktree, and a FIFO, socket or device is never opened at all.
import { constants } from "node:fs";
import { type FileHandle, open, opendir } from "node:fs/promises";
import {
  type Entry,
  errorCode,
  holdDirectory,
  kindOf,
  openEntry,
  parentAndName,
  pathComponents,
  through,
  type WalkOptions,
} from "./descriptor-walk.ts";
import { type EntryKind, FileAccessError, refusal } from "./file-access-error.ts";

export { pathComponents, type WalkOptions } from "./descriptor-walk.ts";
export { type EntryKind, FileAccessError, type FileAccessReason } from "./file-access-error.ts";

/** Bytes read per call, so a read checks its signal between chunks. */
const readChunkBytes = 64 * 1024;
/** Attempts to create a file when something else keeps appearing at its name. */
const maxCreateAttempts = 3;

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
