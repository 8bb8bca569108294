// create_file: writes a whole file, creating its parent directories inside the worktree, through
// safe-fs's walk: never through a link, never into a FIFO or device.
import { z } from "zod";
import { FileAccessError } from "../workspace/file-access-error.ts";
import { readRegularFileInside, writeRegularFileInside } from "../workspace/safe-fs.ts";
import { fileAccessMessage } from "./file-access-message.ts";
import { countLines, formatLineCount } from "./file-text.ts";
import { defineTool, fail, ok } from "./tool.ts";
import { resolveToolPath } from "./tool-paths.ts";

/** An existing file larger than this is overwritten without counting its lines. */
const countedBytes = 16 * 1024 * 1024;

const CreateFileInput = z.object({
  path: z.string().min(1).describe("File to create, relative to the repository root"),
  content: z.string().describe("The complete content of the file"),
});

/** The line count of the file being replaced: undefined when there is none, "many" when it is huge. */
async function previousLineCount(worktree: string, relative: string): Promise<number | "many" | undefined> {
  try {
    return countLines(
      (await readRegularFileInside(worktree, relative, { maxBytes: countedBytes })).toString("utf8"),
    );
  } catch (error) {
    if (FileAccessError.isFileAccessError(error) && error.reason === "missing") return undefined;
    if (FileAccessError.isFileAccessError(error) && error.reason === "too-large") return "many";
    throw error;
  }
}

export const createFileTool = defineTool({
  name: "create_file",
  description:
    "Create a file with the given content (overwrites an existing file; prefer edit_file for changes).",
  inputSchema: CreateFileInput,
  async run(input, context) {
    const target = resolveToolPath(context.worktree, input.path, { forWrite: true });
    const messages = {
      directory: `${target.relative} is a directory; give a file path`,
      "not-a-directory": `cannot create ${target.relative}: one of its parent paths is a file`,
    };
    let previousLines: number | "many" | undefined;
    try {
      previousLines = await previousLineCount(context.worktree, target.relative);
      await writeRegularFileInside(context.worktree, target.relative, input.content, { createParents: true });
    } catch (error) {
      return fail(fileAccessMessage(error, messages));
    }
    const lines = formatLineCount(countLines(input.content));
    const touchedPath = target.relative;
    if (previousLines === undefined) return { ...ok(`created ${touchedPath} (${lines})`), touchedPath };
    const had = previousLines === "many" ? "more than 16 MB" : formatLineCount(previousLines);
    return { ...ok(`overwrote ${touchedPath} (${lines}; it had ${had})`), touchedPath };
  },
});
