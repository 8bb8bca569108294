// The parts of a check that one CI command gives, each kept safe: its directory (inside the
// repository), the variables passed on (plain values only), a name no other check has, and notes as
// single printable lines (CI files are hostile input).
import path from "node:path";

/** Notes kept at most: a generated CI file must not flood the trace. */
export const maxNotes = 200;

/**
 * A note as one printable line of bounded length: its text quotes the CI files, which may carry
 * terminal escapes or line breaks meant to forge lines in `slipway verify`'s output or the trace.
 */
export function printable(note: string): string {
  const line = note.replace(/[\p{Cc}\u2028\u2029]/gu, "?");
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}

/** Variables never passed on: the sandbox sets them, and a CI's value would break every tool. */
const reservedVariables = new Set([
  "PATH",
  "HOME",
  "SHELL",
  "USER",
  "TMPDIR",
  "LD_PRELOAD",
  "LD_LIBRARY_PATH",
]);

/** The step's variables a check may be given: plain names and values, none the sandbox owns. */
export function passedVariables(env: Record<string, string>): [string, string][] {
  return Object.entries(env).filter(
    ([key, value]) =>
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) &&
      !reservedVariables.has(key) &&
      !value.includes("$") &&
      !/\p{Cc}/u.test(value),
  );
}

/** A repository-relative directory, or undefined when it is absolute or leaves the repository. */
export function insideDirectory(cwd: string): string | undefined {
  if (path.posix.isAbsolute(cwd) || cwd.includes("${{")) return undefined;
  const normal = path.posix.normalize(cwd).replace(/\/$/, "");
  return normal === ".." || normal.startsWith("../") ? undefined : normal || ".";
}

/** `name`, or `name-2`, `name-3` … when a check already has it. */
export function uniqueName(name: string, taken: string[]): string {
  const names = new Set(taken);
  let unique = name;
  for (let index = 2; names.has(unique); index++) unique = `${name}-${index}`;
  return unique;
}
