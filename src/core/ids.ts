// Identifiers for tasks and runs: sortable by creation time, short enough to type.
import { randomBytes } from "node:crypto";

function timePrefix(now: number): string {
  return now.toString(36).padStart(9, "0");
}

/** A new id like `run_lx2k9a0b3f7c1d`; the prefix says what it names. */
export function newId(prefix: "task" | "run" | "pr" | "fleet", now = Date.now()): string {
  return `${prefix}_${timePrefix(now)}${randomBytes(4).toString("hex")}`;
}

/** The short form used in branch names: the last 8 characters of the id. */
export function shortId(id: string): string {
  return id.slice(-8);
}
