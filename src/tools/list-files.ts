// list_files: the files under a directory of the worktree, depth-bounded and count-bounded.
import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { formatCount } from "./file-text.ts";
import { defineTool, fail, ok } from "./tool.ts";
import { resolveToolPath } from "./tool-paths.ts";

/** Entries shown at most; a listing that reaches it says so. */
export const maxListedEntries = 500;
/** Directories never descended into: version control data and installed dependencies. */
const skippedDirectories = new Set([".git", "node_modules"]);

const ListFilesInput = z.object({
  path: z.string().optional().describe('Directory relative to the repository root (default ".", the root)'),
  maxDepth: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe("How many directory levels to descend (default 3; 1 lists only direct children)"),
});

interface Listing {
  entries: string[];
  cut: boolean;
}

function byName(left: Dirent, right: Dirent): number {
  return left.name < right.name ? -1 : left.name > right.name ? 1 : 0;
}

/** Depth-first, sorted walk of `directory`; `prefix` is its path as shown to the model. */
async function walk(directory: string, prefix: string, depthLeft: number, listing: Listing): Promise<void> {
  const children = (await readdir(directory, { withFileTypes: true })).sort(byName);
  for (const child of children) {
    if (listing.entries.length >= maxListedEntries) {
      listing.cut = true;
      return;
    }
    const shown = prefix === "." ? child.name : `${prefix}/${child.name}`;
    if (!child.isDirectory()) {
      listing.entries.push(shown);
    } else if (skippedDirectories.has(child.name)) {
      // .git is platform territory and not worth a line; node_modules is worth knowing about.
      if (child.name !== ".git") listing.entries.push(`${shown}/ (skipped)`);
    } else if (depthLeft <= 1) {
      listing.entries.push(`${shown}/ (not expanded: deeper than maxDepth)`);
    } else {
      await walk(path.join(directory, child.name), shown, depthLeft - 1, listing);
    }
  }
}

export const listFilesTool = defineTool({
  name: "list_files",
  description: "List files under a directory of the repository (skips .git and node_modules).",
  inputSchema: ListFilesInput,
  async run(input, context) {
    const target = resolveToolPath(context.worktree, input.path ?? ".");
    const info = await stat(target.absolute).catch(() => undefined);
    if (!info) return fail(`directory not found: ${target.relative}; list "." to see the repository root`);
    if (!info.isDirectory())
      return fail(`${target.relative} is a file, not a directory; use read_file to read it`);
    const maxDepth = input.maxDepth ?? 3;
    const listing: Listing = { entries: [], cut: false };
    await walk(target.absolute, target.relative, maxDepth, listing);
    if (listing.entries.length === 0) return ok(`${target.relative}: empty directory`);
    const header = `${target.relative}: ${formatCount(listing.entries.length)} entries (maxDepth ${maxDepth})`;
    const note = listing.cut
      ? `\n[listing stopped at ${formatCount(maxListedEntries)} entries; list a subdirectory or lower maxDepth]`
      : "";
    return ok(`${header}\n${listing.entries.join("\n")}${note}`);
  },
});
