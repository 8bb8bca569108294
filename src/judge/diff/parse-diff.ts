// Parses `git diff` patch output into files, hunks and numbered added/removed lines. Pure.
import type { BinaryChange } from "./binary-change.ts";
import { pathFromMarkerLine, pathsFromDiffGitLine, unquoteGitPath } from "./git-path.ts";

export type DiffFileStatus = "added" | "modified" | "deleted" | "renamed";

/** One added or removed line: its number in the new file (added) or the old file (removed). */
export interface DiffLine {
  line: number;
  /** The line's text without the leading `+`/`-` and without a trailing carriage return. */
  text: string;
}

/** One line of a hunk in order, with its number on each side it exists on. */
export interface HunkLine {
  kind: "context" | "added" | "removed";
  text: string;
  oldLine?: number;
  newLine?: number;
}

export interface DiffHunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** The function or section name git prints after the second `@@`, or "". */
  section: string;
  lines: HunkLine[];
}

/** One file of the diff. Paths are repository-relative, decoded, with `/` separators. */
export interface DiffFile {
  /** The path after the change (for a deleted file: the path it had). */
  path: string;
  /** The path before a rename (or a copy, reported as `added`). */
  oldPath?: string;
  status: DiffFileStatus;
  /**
   * Git shows this file as binary (a NUL byte, or `.gitattributes`). Parsed from `--text` output
   * (as collectDiff reads it) the lines are still here; `binaryChange` then says what it is.
   */
  binary: boolean;
  binaryChange?: BinaryChange;
  /** Git's file modes (`100644`, `100755` executable, `120000` symlink, `160000` submodule). */
  oldMode?: string;
  newMode?: string;
  addedLines: DiffLine[];
  removedLines: DiffLine[];
  hunks: DiffHunk[];
}

export interface ParsedDiff {
  files: DiffFile[];
  /**
   * Set when the patch was not read because the change is over review's limits (one line: what
   * and why); the files are then listed without lines, and the size guard refuses the change.
   */
  unread?: string;
}

interface FileDraft {
  header: { oldPath: string; newPath: string } | undefined;
  minusPath?: string;
  plusPath?: string;
  renameFrom?: string;
  renameTo?: string;
  copyFrom?: string;
  copyTo?: string;
  created: boolean;
  deleted: boolean;
  binary: boolean;
  oldMode?: string;
  newMode?: string;
  hunks: DiffHunk[];
}

const hunkHeader = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/** Read a line that carries file modes (`old mode`, `new mode`, `index a..b <mode>`); false if none. */
function readModeLine(draft: FileDraft, line: string): boolean {
  const index = /^index [0-9a-f]+\.\.[0-9a-f]+ (\d{6})$/.exec(line);
  if (index) {
    draft.oldMode ??= index[1];
    draft.newMode ??= index[1];
  } else if (line.startsWith("old mode ")) draft.oldMode = line.slice(9);
  else if (line.startsWith("new mode ")) draft.newMode = line.slice(9);
  else return false;
  return true;
}

/** Apply one extended header line (`new file mode`, `rename from`, `--- a/x`, …) to the draft. */
function readHeaderLine(draft: FileDraft, line: string): void {
  if (readModeLine(draft, line)) return;
  if (line.startsWith("new file mode ")) {
    draft.created = true;
    draft.newMode = line.slice(14);
  } else if (line.startsWith("deleted file mode ")) {
    draft.deleted = true;
    draft.oldMode = line.slice(18);
  } else if (line.startsWith("rename from ")) draft.renameFrom = unquoteGitPath(line.slice(12));
  else if (line.startsWith("rename to ")) draft.renameTo = unquoteGitPath(line.slice(10));
  else if (line.startsWith("copy from ")) draft.copyFrom = unquoteGitPath(line.slice(10));
  else if (line.startsWith("copy to ")) draft.copyTo = unquoteGitPath(line.slice(8));
  else if (line.startsWith("--- ")) draft.minusPath = pathFromMarkerLine(line.slice(4), "a/");
  else if (line.startsWith("+++ ")) draft.plusPath = pathFromMarkerLine(line.slice(4), "b/");
  else if (line.startsWith("Binary files ") || line === "GIT binary patch") draft.binary = true;
}

/**
 * Read a hunk's body starting at `start`, using the header's line counts so that content such as
 * a removed line `-- a/x` (printed `--- a/x`) is never mistaken for a header.
 */
function readHunk(lines: string[], start: number, match: RegExpExecArray): { hunk: DiffHunk; next: number } {
  const oldStart = Number(match[1]);
  const newStart = Number(match[3]);
  const hunk: DiffHunk = {
    oldStart,
    oldCount: match[2] === undefined ? 1 : Number(match[2]),
    newStart,
    newCount: match[4] === undefined ? 1 : Number(match[4]),
    section: match[5] ?? "",
    lines: [],
  };
  let oldLeft = hunk.oldCount;
  let newLeft = hunk.newCount;
  let oldLine = oldStart;
  let newLine = newStart;
  let index = start;
  while (index < lines.length && (oldLeft > 0 || newLeft > 0 || lines[index]!.startsWith("\\"))) {
    const raw = lines[index]!;
    index += 1;
    if (raw.startsWith("\\")) continue; // "\ No newline at end of file"
    const text = raw.slice(1).replace(/\r$/, "");
    const marker = raw[0];
    if (marker === "+") {
      hunk.lines.push({ kind: "added", text, newLine });
      newLine += 1;
      newLeft -= 1;
    } else if (marker === "-") {
      hunk.lines.push({ kind: "removed", text, oldLine });
      oldLine += 1;
      oldLeft -= 1;
    } else if (marker === " " || raw === "") {
      // diff.suppressBlankEmpty prints an empty context line without its leading space.
      hunk.lines.push({ kind: "context", text, oldLine, newLine });
      oldLine += 1;
      newLine += 1;
      oldLeft -= 1;
      newLeft -= 1;
    } else {
      index -= 1; // truncated hunk: let the caller read this line as a header
      break;
    }
  }
  return { hunk, next: index };
}

function statusOf(draft: FileDraft): DiffFileStatus {
  if (draft.deleted) return "deleted";
  if (draft.created || draft.copyTo !== undefined) return "added";
  if (draft.renameTo !== undefined) return "renamed";
  return "modified";
}

function finishFile(draft: FileDraft): DiffFile {
  const status = statusOf(draft);
  const path =
    draft.renameTo ??
    draft.copyTo ??
    draft.plusPath ??
    draft.minusPath ??
    (status === "deleted" ? draft.header?.oldPath : draft.header?.newPath) ??
    "";
  const oldPath = draft.renameFrom ?? draft.copyFrom;
  const addedLines: DiffLine[] = [];
  const removedLines: DiffLine[] = [];
  for (const hunk of draft.hunks) {
    for (const line of hunk.lines) {
      if (line.kind === "added") addedLines.push({ line: line.newLine!, text: line.text });
      if (line.kind === "removed") removedLines.push({ line: line.oldLine!, text: line.text });
    }
  }
  return {
    path,
    ...(oldPath === undefined ? {} : { oldPath }),
    status,
    binary: draft.binary,
    ...(draft.oldMode === undefined ? {} : { oldMode: draft.oldMode }),
    ...(draft.newMode === undefined ? {} : { newMode: draft.newMode }),
    addedLines,
    removedLines,
    hunks: draft.hunks,
  };
}

/**
 * Parse the output of `git diff --no-color --no-ext-diff -U<n> --find-renames` (with the default
 * `a/` and `b/` prefixes) into files. Lines before the first `diff --git` are ignored.
 */
export function parseDiff(text: string): ParsedDiff {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const files: DiffFile[] = [];
  let draft: FileDraft | undefined;
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    index += 1;
    if (line.startsWith("diff --git ")) {
      if (draft) files.push(finishFile(draft));
      draft = {
        header: pathsFromDiffGitLine(line.slice(11)),
        created: false,
        deleted: false,
        binary: false,
        hunks: [],
      };
      continue;
    }
    if (!draft) continue;
    const match = hunkHeader.exec(line);
    if (match) {
      const { hunk, next } = readHunk(lines, index, match);
      draft.hunks.push(hunk);
      index = next;
    } else if (draft.hunks.length === 0) {
      readHeaderLine(draft, line);
    }
  }
  if (draft) files.push(finishFile(draft));
  return { files };
}
