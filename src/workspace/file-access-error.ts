// Why a worktree path could not be read or written without following a link: the kinds a name
// can be, the refusal reasons, and the one error class the safe file walk throws.
import { InputError } from "../core/errors.ts";

export const entryKinds = ["file", "directory", "symlink", "fifo", "socket", "device", "missing"] as const;
/** What a name in a directory is, seen without following it. */
export type EntryKind = (typeof entryKinds)[number];

export const fileAccessReasons = [
  "invalid-path",
  "missing",
  "not-a-directory",
  "symlink",
  "directory",
  "not-regular",
  "too-large",
  "hard-linked",
  "changing",
  "aborted",
] as const;
export type FileAccessReason = (typeof fileAccessReasons)[number];

/** A worktree path that cannot be used as asked; `at` is the component where the walk stopped. */
export class FileAccessError extends InputError {
  readonly reason: FileAccessReason;
  readonly at: string;

  constructor(reason: FileAccessReason, at: string, message: string) {
    super(message, { details: { reason, path: at } });
    this.name = "FileAccessError";
    this.reason = reason;
    this.at = at;
  }

  static isFileAccessError(value: unknown): value is FileAccessError {
    return InputError.isInstance(value) && (value as { name?: unknown }).name === "FileAccessError";
  }
}

/** The refusal for finding `kind` at `at` where a directory (`wanted` "directory") or a regular file was needed. */
export function refusal(kind: EntryKind, at: string, wanted: "directory" | "file"): FileAccessError {
  if (kind === "missing") return new FileAccessError("missing", at, `${at}: no such file or directory`);
  if (kind === "symlink") {
    return new FileAccessError("symlink", at, `${at} is a symbolic link; it is never followed`);
  }
  if (wanted === "directory") return new FileAccessError("not-a-directory", at, `${at} is not a directory`);
  if (kind === "directory") return new FileAccessError("directory", at, `${at} is a directory, not a file`);
  return new FileAccessError("not-regular", at, `${at} is a ${kind}, not a regular file; it is never opened`);
}
