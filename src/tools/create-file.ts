// create_file: writes a whole file, creating its parent directories inside the worktree.
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { countLines, formatLineCount } from "./file-text.ts";
import { defineTool, fail, ok } from "./tool.ts";
import { resolveToolPath } from "./tool-paths.ts";

const CreateFileInput = z.object({
  path: z.string().min(1).describe("File to create, relative to the repository root"),
  content: z.string().describe("The complete content of the file"),
});

export const createFileTool = defineTool({
  name: "create_file",
  description:
    "Create a file with the given content (overwrites an existing file; prefer edit_file for changes).",
  inputSchema: CreateFileInput,
  async run(input, context) {
    const target = resolveToolPath(context.worktree, input.path, { forWrite: true });
    const existing = await stat(target.absolute).catch(() => undefined);
    if (existing?.isDirectory()) return fail(`${target.relative} is a directory; give a file path`);
    const previousLines = existing ? countLines(await readFile(target.absolute, "utf8")) : undefined;
    const parentMade = await mkdir(path.dirname(target.absolute), { recursive: true }).then(
      () => true,
      // mkdir fails only when a parent path exists as a file: say so rather than report a crash.
      () => false,
    );
    if (!parentMade) return fail(`cannot create ${target.relative}: one of its parent paths is a file`);
    await writeFile(target.absolute, input.content);
    const lines = formatLineCount(countLines(input.content));
    if (previousLines === undefined) return ok(`created ${target.relative} (${lines})`);
    return ok(`overwrote ${target.relative} (${lines}; it had ${formatLineCount(previousLines)})`);
  },
});
