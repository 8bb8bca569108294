// edit_file: replaces one exact, unique piece of text in a file and reports the changed lines;
// reads and writes go through safe-fs's walk, so a link, a FIFO or a swapped directory is refused.
import { z } from "zod";
import { readRegularFileInside, writeRegularFileInside } from "../workspace/safe-fs.ts";
import { fileAccessMessage } from "./file-access-message.ts";
import { countLines, formatCount, formatLineCount, lineAt, looksBinary } from "./file-text.ts";
import { defineTool, fail, ok } from "./tool.ts";
import { resolveToolPath } from "./tool-paths.ts";

/** Files larger than this are not edited (generated or data, not code to change by hand). */
const maxEditedBytes = 16 * 1024 * 1024;
/** Occurrence line numbers listed at most in the "not unique" message. */
const maxListedOccurrences = 10;

const EditFileInput = z.object({
  path: z.string().min(1).describe("File to edit, relative to the repository root"),
  oldText: z
    .string()
    .min(1)
    .describe("Exact text to replace, whitespace included; must occur exactly once in the file"),
  newText: z.string().describe("Text to put in its place (empty to delete oldText)"),
});

/** Start indexes of every occurrence of `needle`, overlapping ones included. */
export function findOccurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let index = haystack.indexOf(needle); index !== -1; index = haystack.indexOf(needle, index + 1)) {
    found.push(index);
  }
  return found;
}

/** The edit to apply: the file may use CRLF while the model writes LF, so try both spellings. */
function locate(
  content: string,
  oldText: string,
  newText: string,
): { oldText: string; newText: string; at: number[] } {
  const at = findOccurrences(content, oldText);
  if (at.length > 0 || !content.includes("\r\n") || oldText.includes("\r")) return { oldText, newText, at };
  const crlf = (text: string): string => text.replaceAll("\n", "\r\n");
  return { oldText: crlf(oldText), newText: crlf(newText), at: findOccurrences(content, crlf(oldText)) };
}

function rangeText(first: number, lineCount: number): string {
  return lineCount <= 1 ? `line ${first}` : `lines ${first}-${first + lineCount - 1}`;
}

export const editFileTool = defineTool({
  name: "edit_file",
  description:
    "Replace one exact, unique occurrence of oldText in a file with newText. Include enough surrounding lines to make oldText unique.",
  inputSchema: EditFileInput,
  async run(input, context) {
    const target = resolveToolPath(context.worktree, input.path, { forWrite: true });
    if (input.oldText === input.newText) return fail("oldText and newText are identical; nothing to change");
    let bytes: Buffer;
    try {
      bytes = await readRegularFileInside(context.worktree, target.relative, {
        maxBytes: maxEditedBytes,
        signal: context.signal,
      });
    } catch (error) {
      return fail(
        fileAccessMessage(error, {
          missing: `file not found: ${target.relative}; use create_file to make a new file`,
          directory: `${target.relative} is a directory, not a file`,
          "too-large": `${target.relative} is larger than 16 MB; edit_file changes smaller files only`,
        }),
      );
    }
    if (looksBinary(bytes))
      return fail(`${target.relative} is a binary file; edit_file changes text files only`);
    const content = bytes.toString("utf8");
    const edit = locate(content, input.oldText, input.newText);
    if (edit.at.length === 0) {
      return fail(
        `oldText was not found in ${target.relative}; it must match the file exactly, whitespace included. Use read_file to copy the current text.`,
      );
    }
    if (edit.at.length > 1) {
      const lines = edit.at.slice(0, maxListedOccurrences).map((index) => lineAt(content, index));
      const more = edit.at.length > maxListedOccurrences ? ", …" : "";
      return fail(
        `oldText occurs ${formatCount(edit.at.length)} times in ${target.relative} (at lines ${lines.join(", ")}${more}); include more surrounding lines so it matches exactly once`,
      );
    }
    const index = edit.at[0]!;
    const updated = content.slice(0, index) + edit.newText + content.slice(index + edit.oldText.length);
    try {
      await writeRegularFileInside(context.worktree, target.relative, updated);
    } catch (error) {
      return fail(fileAccessMessage(error));
    }
    const first = lineAt(content, index);
    const removed = rangeText(first, countLines(edit.oldText));
    const added = countLines(edit.newText);
    const change =
      added === 0 ? `deleted the text at ${removed}` : `replaced ${removed} with ${rangeText(first, added)}`;
    return {
      ...ok(
        `edited ${target.relative}: ${change} (the file now has ${formatLineCount(countLines(updated))})`,
      ),
      touchedPath: target.relative,
    };
  },
});
