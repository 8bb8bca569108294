// A detector's first look at its manifest (package.json, Cargo.toml …): absent, a regular file
// to read, or something else — a link, a FIFO, a device — that is never opened and gives a note
// instead of checks (a FIFO would hold detection, or every check reading it, until a time limit).
import { entryKindInside } from "../workspace/safe-fs.ts";
import type { EcosystemDetection } from "./ecosystem.ts";

/**
 * "missing", "file", or the detection to return as it is: no checks, and a note naming the kind.
 * `ecosystem` prefixes the note (`rust`), `checks` names what is left out (`Rust`).
 */
export async function lookAtManifest(
  worktree: string,
  file: string,
  ecosystem: string,
  checks: string,
): Promise<"missing" | "file" | EcosystemDetection> {
  const kind = await entryKindInside(worktree, file);
  if (kind === "missing" || kind === "file") return kind;
  return {
    commands: [],
    notes: [`${ecosystem}: ${file} is a ${kind}, not a regular file; it is not read, so no ${checks} checks`],
  };
}
