// read_file: shows a text file's lines, numbered, in a bounded range; huge files are streamed.
// The file is opened by safe-fs's walk, so a link, a FIFO or a swapped directory is refused.
import type { FileHandle } from "node:fs/promises";
import { createInterface } from "node:readline";
import { z } from "zod";
import { FileAccessError } from "../workspace/file-access-error.ts";
import { openRegularFileInside, readBounded } from "../workspace/safe-fs.ts";
import {
  binarySniffBytes,
  formatCount,
  formatLineCount,
  looksBinary,
  numberLines,
  splitLines,
} from "./file-text.ts";
import { defineTool, fail, ok, type ToolResult } from "./tool.ts";
import { resolveToolPath } from "./tool-paths.ts";

/** Lines shown when no endLine is given, so one call cannot flood the context. */
export const defaultLineWindow = 500;
/** Files larger than this are streamed and read only up to the requested range. */
const wholeFileBytes = 2 * 1024 * 1024;
/** A streamed file is read no further than this: a sparse file can claim a terabyte of one line. */
export const maxStreamedBytes = 64 * 1024 * 1024;

const ReadFileInput = z.object({
  path: z.string().min(1).describe("File path relative to the repository root"),
  startLine: z.number().int().min(1).optional().describe("First line to show, 1-based (default 1)"),
  endLine: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(`Last line to show, inclusive (default: ${defaultLineWindow} lines from startLine)`),
});
type ReadFileInput = z.infer<typeof ReadFileInput>;

interface LineRange {
  start: number;
  end: number;
  explicitEnd: boolean;
}

function requestedRange(input: ReadFileInput): LineRange | string {
  const start = input.startLine ?? 1;
  if (input.endLine !== undefined && input.endLine < start) {
    return `endLine (${input.endLine}) is before startLine (${start})`;
  }
  const end = input.endLine ?? start + defaultLineWindow - 1;
  return { start, end, explicitEnd: input.endLine !== undefined };
}

/** Format the lines of a file whose total line count is known. */
function showCountedLines(displayPath: string, lines: string[], range: LineRange): ToolResult {
  const total = lines.length;
  if (total === 0) return ok(`${displayPath}: empty file (0 lines)`);
  if (range.start > total) {
    return fail(
      `startLine ${range.start} is past the end of ${displayPath}, which has ${formatLineCount(total)}`,
    );
  }
  const end = Math.min(range.end, total);
  const header = `${displayPath}: lines ${range.start}-${end} of ${formatCount(total)}`;
  const body = numberLines(lines.slice(range.start - 1, end), range.start);
  const more =
    end < total && !range.explicitEnd
      ? `\n[${formatLineCount(total - end)} more; call read_file with startLine ${end + 1} to read on]`
      : "";
  return ok(`${header}\n${body}${more}`);
}

/** Stream a large file and keep only the requested lines; stops after the range or maxStreamedBytes. */
async function showStreamedLines(
  displayPath: string,
  handle: FileHandle,
  size: number,
  range: LineRange,
): Promise<ToolResult> {
  const stream = handle.createReadStream({
    encoding: "utf8",
    start: 0,
    end: maxStreamedBytes - 1,
    autoClose: false,
  });
  const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const kept: string[] = [];
  let lineNumber = 0;
  try {
    for await (const line of reader) {
      lineNumber++;
      if (lineNumber >= range.start) kept.push(line);
      if (lineNumber >= range.end) break;
    }
  } finally {
    reader.close();
    stream.destroy();
  }
  const megabytes = (size / (1024 * 1024)).toFixed(1);
  const cut =
    size > maxStreamedBytes ? ` (read_file reads the first ${maxStreamedBytes / (1024 * 1024)} MB only)` : "";
  if (kept.length === 0) {
    return fail(
      `startLine ${range.start} is past the end of ${displayPath}, which has ${formatLineCount(lineNumber)}${cut}`,
    );
  }
  const end = range.start + kept.length - 1;
  const header = `${displayPath}: lines ${range.start}-${end} of a ${megabytes} MB file (too large to count its lines)`;
  const more =
    end === range.end ? `\n[call read_file with startLine ${end + 1} to read on]` : `\n[end of file${cut}]`;
  return ok(`${header}\n${numberLines(kept, range.start)}${more}`);
}

async function startsWithBinary(handle: FileHandle): Promise<boolean> {
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(binarySniffBytes), 0, binarySniffBytes, 0);
  return looksBinary(buffer.subarray(0, bytesRead));
}

/** The file opened without following links, or the message for the model when it cannot be. */
async function openForReading(worktree: string, relative: string) {
  try {
    return await openRegularFileInside(worktree, relative);
  } catch (error) {
    if (!FileAccessError.isFileAccessError(error)) throw error;
    if (error.reason === "missing")
      return `file not found: ${relative}; use list_files or search to find the right path`;
    if (error.reason === "directory") return `${relative} is a directory; use list_files to see its contents`;
    return error.message;
  }
}

/** Show the requested lines of an opened file: whole when small, streamed when large. */
async function showLines(displayPath: string, handle: FileHandle, size: number, range: LineRange) {
  if (await startsWithBinary(handle)) {
    return fail(`${displayPath} is a binary file (${formatCount(size)} bytes); read_file shows text only`);
  }
  if (size > wholeFileBytes) return showStreamedLines(displayPath, handle, size, range);
  const bytes = await readBounded(handle, wholeFileBytes);
  // It grew past the size it had when opened: read it as the large file it now is.
  if (bytes.length > wholeFileBytes) return showStreamedLines(displayPath, handle, bytes.length, range);
  return showCountedLines(displayPath, splitLines(bytes.toString("utf8")), range);
}

export const readFileTool = defineTool({
  name: "read_file",
  description: `Read a text file's lines, numbered. Shows ${defaultLineWindow} lines unless endLine is given.`,
  inputSchema: ReadFileInput,
  async run(input, context) {
    const target = resolveToolPath(context.worktree, input.path);
    const range = requestedRange(input);
    if (typeof range === "string") return fail(range);
    const opened = await openForReading(context.worktree, target.relative);
    if (typeof opened === "string") return fail(opened);
    try {
      const result = await showLines(target.relative, opened.handle, opened.size, range);
      return result.isError ? result : { ...result, touchedPath: target.relative };
    } finally {
      await opened.handle.close();
    }
  },
});
