// Pure helpers for text files shown to the model: binary detection, line splitting and numbering.

/** Bytes inspected for a NUL byte when deciding whether a file is binary (git uses the same). */
export const binarySniffBytes = 8_000;

/** True when the start of the file contains a NUL byte, the usual sign of a binary file. */
export function looksBinary(head: Uint8Array): boolean {
  const end = Math.min(head.length, binarySniffBytes);
  for (let index = 0; index < end; index++) {
    if (head[index] === 0) return true;
  }
  return false;
}

/** The lines of `text` without their terminators; a final newline does not start a new line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** Number of lines `text` spans (a text without a newline is one line; "" is zero). */
export function countLines(text: string): number {
  return splitLines(text).length;
}

/** The 1-based line on which character `index` of `text` lies. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let position = text.indexOf("\n"); position !== -1 && position < index; ) {
    line++;
    position = text.indexOf("\n", position + 1);
  }
  return line;
}

/** `lines` prefixed with right-aligned line numbers starting at `firstLine`. */
export function numberLines(lines: readonly string[], firstLine: number): string {
  const width = String(firstLine + lines.length - 1).length;
  return lines.map((line, offset) => `${String(firstLine + offset).padStart(width)} | ${line}`).join("\n");
}

/** "1,234" — counts shown to the model use thousands separators so they read at a glance. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** "1 line", "1,234 lines". */
export function formatLineCount(count: number): string {
  return `${formatCount(count)} ${count === 1 ? "line" : "lines"}`;
}
