// The diff as the judge reads it: one section per file, names as JSON strings, every content line
// behind a one-character marker, and binary changes described (size, type, printable text).
import { describeBinaryChange, printableStrings } from "../diff/binary-change.ts";
import type { DiffFile, DiffHunk, ParsedDiff } from "../diff/parse-diff.ts";
import { submoduleChange } from "../guards/submodules.ts";

/** One file's part of the judge's diff: a header, then hunks (each may go to a chunk of its own). */
export interface JudgeFileSection {
  /** The file's path, as the agent named it (never printed unquoted). */
  file: string;
  header: string;
  hunks: string[];
}

/** Printable text shown for binary content that is not text: enough to see what it holds. */
const binaryTextChars = 1500;

/** A name or any other agent-chosen string, as a JSON string: quotes, newlines and controls escaped. */
export function quoted(text: string): string {
  return JSON.stringify(text);
}

const modeNames: Record<string, string> = {
  "100644": "regular file",
  "100755": "executable file",
  "120000": "symbolic link (its content is the target)",
  "160000": "submodule commit",
};

/** The file's kind, and a change of kind or of the executable bit, which the lines do not show. */
function modeText(file: DiffFile): string {
  const name = (mode: string | undefined) => (mode === undefined ? "" : (modeNames[mode] ?? `mode ${mode}`));
  const before = file.status === "added" ? undefined : file.oldMode;
  const after = file.status === "deleted" ? undefined : file.newMode;
  if (before !== undefined && after !== undefined && before !== after)
    return `; ${name(before)} → ${name(after)}`;
  const mode = after ?? before;
  return mode === undefined || mode === "100644" ? "" : `; ${name(mode)}`;
}

function headerOf(file: DiffFile): string {
  const from = file.oldPath === undefined ? "" : ` from ${quoted(file.oldPath)}`;
  const lines = [`file ${quoted(file.path)} (${file.status}${from}${modeText(file)})`];
  const submodule = submoduleChange(file);
  if (submodule !== undefined) lines.push(`| ${submodule}`);
  if (file.binaryChange) lines.push(`| ${describeBinaryChange(file.binaryChange)}`);
  return `${lines.join("\n")}\n`;
}

const markers = { context: " ", added: "+", removed: "-" } as const;

function hunkText(hunk: DiffHunk): string {
  const range = `@@ -${hunk.oldStart},${hunk.oldCount} +${hunk.newStart},${hunk.newCount} @@`;
  const section = hunk.section === "" ? "" : ` ${quoted(hunk.section)}`;
  const lines = hunk.lines.map((line) => `${markers[line.kind]}${line.text}`);
  return `${[`${range}${section}`, ...lines].join("\n")}\n`;
}

/**
 * Binary content that is not text: its printable runs, each line behind `|`, instead of bytes.
 * When not all of them fit, the judge is told how much is hidden (the payload may be past it).
 */
function binaryText(file: DiffFile): string[] {
  const content = file.addedLines.map(({ text }) => text).join("\n");
  const readable = file.binaryChange?.contentType === "UTF-16 text" ? content.replaceAll("\0", "") : content;
  const { text, shown, total } = printableStrings(readable, binaryTextChars);
  if (text === "") return ["| (no printable text among the added bytes)\n"];
  const lines = text.split("\n").map((line) => `| ${line}`);
  const hidden = total - shown;
  const heading =
    hidden === 0
      ? `| printable text among the added bytes (all ${total} characters):`
      : `| printable text among the added bytes: the first ${shown} of ${total} characters; ${hidden} characters are NOT shown (content hidden from this review):`;
  return [`${heading}\n${lines.join("\n")}\n`];
}

/** A file git shows as binary gets its lines only when they are text; otherwise a description. */
function showsLines(file: DiffFile): boolean {
  return file.binaryChange === undefined || file.binaryChange.contentType === "text";
}

/** The judge's sections of `diff`, in the diff's order. */
export function renderJudgeSections(diff: ParsedDiff): JudgeFileSection[] {
  return diff.files.map((file) => ({
    file: file.path,
    header: headerOf(file),
    hunks: showsLines(file) ? file.hunks.map(hunkText) : file.status === "deleted" ? [] : binaryText(file),
  }));
}
