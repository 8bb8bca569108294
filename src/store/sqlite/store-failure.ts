// Says why the store failed in words a user can act on: SQLite's result codes and the file system's
// error codes become one cause (disk full, not writable, locked, damaged) and what to do about it.
import { accessSync, constants, statfsSync, statSync } from "node:fs";
import path from "node:path";
import { StoreError } from "../../core/errors.ts";

/** Below this much free space an I/O error is taken as a full disk (SQLite reports one as the other). */
const nearlyFullBytes = 4 * 1024 * 1024;
const chooseAnother = "or choose another data directory with --data-dir or SLIPWAY_DATA_DIR";

/** SQLite's primary result codes that have a cause of their own (https://sqlite.org/rescode.html). */
const sqlite = {
  busy: 5,
  locked: 6,
  readOnly: 8,
  ioError: 10,
  corrupt: 11,
  full: 13,
  cantOpen: 14,
  notDatabase: 26,
};

interface ErrorFacts {
  /** A file-system error code (ENOSPC, EROFS …), if the error is one. */
  fsCode?: string;
  /** SQLite's primary result code, if the error is SQLite's. */
  sqliteCode?: number;
  message: string;
}

function factsOf(error: unknown): ErrorFacts {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = error as Error & { code?: unknown; errcode?: unknown; errstr?: unknown };
  const sqliteCode = typeof fields.errcode === "number" ? fields.errcode & 0xff : undefined;
  const fsCode = typeof fields.code === "string" && /^E[A-Z]+$/.test(fields.code) ? fields.code : undefined;
  return { fsCode, sqliteCode, message: error.message.split("\n")[0]! };
}

/** The nearest directory at or above `location` that exists. */
function existingAncestor(location: string): string {
  let probe = location;
  for (let depth = 0; depth < 256; depth++) {
    if (statSync(probe, { throwIfNoEntry: false })?.isDirectory()) return probe;
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  return path.parse(location).root;
}

/** Why `directory` (or its nearest existing ancestor) cannot be written, or undefined when it can. */
export function unwritableReason(directory: string): string | undefined {
  const existing = existingAncestor(directory);
  try {
    accessSync(existing, constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EROFS" ? "a read-only file system" : "no permission to write";
    return existing === directory ? why : `${why} at ${existing}`;
  }
}

/** Free bytes on the file system holding `directory`, or undefined when that cannot be read. */
function freeBytes(directory: string): number | undefined {
  try {
    const stats = statfsSync(existingAncestor(directory));
    return stats.bavail * stats.bsize;
  } catch {
    // Only a hint for the message: without it the plain I/O error is reported.
    return undefined;
  }
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB free`;
}

/** The cause and the fix, in one phrase, for a failure of the store at `location` (its file). */
export function storeFailureCause(location: string, error: unknown): string {
  const directory = path.dirname(location);
  const { fsCode, sqliteCode, message } = factsOf(error);
  const free = freeBytes(directory);
  const full = `the disk holding the data directory ${directory} is full${free === undefined ? "" : ` (${mebibytes(free)})`}: free some space, ${chooseAnother}`;
  if (fsCode === "ENOSPC" || fsCode === "EDQUOT" || sqliteCode === sqlite.full) return full;
  const unwritable = unwritableReason(directory);
  const notWritable = `the data directory ${directory} is not writable (${unwritable}): make it writable, ${chooseAnother}`;
  if (
    unwritable &&
    (fsCode !== undefined || sqliteCode === sqlite.readOnly || sqliteCode === sqlite.cantOpen)
  )
    return notWritable;
  if (fsCode === "ENOTDIR" || fsCode === "EEXIST")
    return `a file is in the way of the data directory ${directory} (${message}): move it, ${chooseAnother}`;
  if (sqliteCode === sqlite.ioError)
    return free !== undefined && free < nearlyFullBytes
      ? full
      : `a disk I/O error on ${location} (${message}): check the disk and that ${directory} is on a local file system`;
  if (sqliteCode === sqlite.busy || sqliteCode === sqlite.locked)
    return `${location} is locked by another Slipway process (${message}): try again when it has finished`;
  if (sqliteCode === sqlite.notDatabase || sqliteCode === sqlite.corrupt)
    return `${location} is damaged or not a Slipway store (${message}): move it aside, ${chooseAnother}`;
  if (sqliteCode === sqlite.cantOpen)
    return `cannot open ${location} (${message}): check that it is a file you can read and write`;
  return `${message} (${location})`;
}

/** A StoreError saying what could not be done, why, and what to do. */
export function storeFailure(action: string, location: string, error: unknown): StoreError {
  return new StoreError(`could not ${action}: ${storeFailureCause(location, error)}`, {
    details: { location },
    cause: error,
  });
}
