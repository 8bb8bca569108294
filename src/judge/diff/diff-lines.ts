// Views of one file's diff that guards share: lines new to the change, the new side by number.
import type { DiffFile, DiffLine } from "./parse-diff.ts";

/**
 * Added lines that are new content: an added line whose trimmed text equals a removed line of the
 * same file (a re-indent or a move within the file) is left out, one removed line per added line.
 */
export function introducedLines(file: DiffFile): DiffLine[] {
  const removed = new Map<string, number>();
  for (const { text } of file.removedLines) {
    const key = text.trim();
    removed.set(key, (removed.get(key) ?? 0) + 1);
  }
  return file.addedLines.filter(({ text }) => {
    const key = text.trim();
    const count = removed.get(key) ?? 0;
    if (count === 0) return true;
    removed.set(key, count - 1);
    return false;
  });
}

/** The new file's lines that the hunks show (added and context), by line number. */
export function newSideLines(file: DiffFile): Map<number, string> {
  const lines = new Map<number, string>();
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.newLine !== undefined) lines.set(line.newLine, line.text);
    }
  }
  return lines;
}

/** The old file's lines that the hunks show (removed and context), by line number. */
export function oldSideLines(file: DiffFile): Map<number, string> {
  const lines = new Map<number, string>();
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.oldLine !== undefined) lines.set(line.oldLine, line.text);
    }
  }
  return lines;
}
