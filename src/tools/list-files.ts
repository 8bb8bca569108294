// list_files: the files under a directory of the worktree, depth-bounded and count-bounded; each
// directory is opened by safe-fs's walk, so a directory swapped for a link is never listed, and a
// name holding a control character is shown quoted, so it cannot forge listing lines.
import { z } from "zod";
import { type EntryKind, refusal } from "../workspace/file-access-error.ts";
import { entryKindInside, type ListedEntry, listDirectoryInside } from "../workspace/safe-fs.ts";
import { fileAccessMessage } from "./file-access-message.ts";
import { formatCount } from "./file-text.ts";
import { shownName } from "./shown-name.ts";
import { defineTool, fail, ok } from "./tool.ts";
import { resolveToolPath } from "./tool-paths.ts";

/** Entries shown at most; a listing that reaches it says so. */
export const maxListedEntries = 500;
/** Directories never descended into: version control data and installed dependencies. */
const skippedDirectories = new Set([".git", "node_modules"]);
/** Entries read from one directory at most before sorting: a huge directory cannot stall the tool. */
const maxEntriesPerDirectory = 10_000;

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

function byName(left: ListedEntry, right: ListedEntry): number {
  return left.name < right.name ? -1 : left.name > right.name ? 1 : 0;
}

/** Depth-first, sorted walk of the worktree directory `relative`. */
async function walk(worktree: string, relative: string, depthLeft: number, listing: Listing): Promise<void> {
  const read = await listDirectoryInside(worktree, relative, { maxEntries: maxEntriesPerDirectory });
  if (read.cut) listing.cut = true;
  for (const child of read.entries.sort(byName)) {
    if (listing.entries.length >= maxListedEntries) {
      listing.cut = true;
      return;
    }
    const childPath = relative === "." ? child.name : `${relative}/${child.name}`;
    const shown = shownName(childPath);
    if (child.kind !== "directory") {
      listing.entries.push(shown);
    } else if (skippedDirectories.has(child.name)) {
      // .git is platform territory and not worth a line; node_modules is worth knowing about.
      if (child.name !== ".git") listing.entries.push(`${shown}/ (skipped)`);
    } else if (depthLeft <= 1) {
      listing.entries.push(`${shown}/ (not expanded: deeper than maxDepth)`);
    } else {
      await walk(worktree, childPath, depthLeft - 1, listing);
    }
  }
}

export const listFilesTool = defineTool({
  name: "list_files",
  description: "List files under a directory of the repository (skips .git and node_modules).",
  inputSchema: ListFilesInput,
  async run(input, context) {
    const target = resolveToolPath(context.worktree, input.path ?? ".");
    const shownTarget = shownName(target.relative);
    let kind: EntryKind;
    try {
      kind = await entryKindInside(context.worktree, target.relative);
    } catch (error) {
      return fail(fileAccessMessage(error));
    }
    if (kind === "missing")
      return fail(`directory not found: ${shownTarget}; list "." to see the repository root`);
    if (kind === "file") return fail(`${shownTarget} is a file, not a directory; use read_file to read it`);
    if (kind !== "directory") return fail(refusal(kind, target.relative, "directory").message);
    const maxDepth = input.maxDepth ?? 3;
    const listing: Listing = { entries: [], cut: false };
    try {
      await walk(context.worktree, target.relative, maxDepth, listing);
    } catch (error) {
      // A directory swapped for a link mid-walk: refuse the listing rather than show part of it.
      return fail(fileAccessMessage(error));
    }
    if (listing.entries.length === 0) return ok(`${shownTarget}: empty directory`);
    const header = `${shownTarget}: ${formatCount(listing.entries.length)} entries (maxDepth ${maxDepth})`;
    const note = listing.cut
      ? `\n[listing stopped at ${formatCount(maxListedEntries)} entries; list a subdirectory or lower maxDepth]`
      : "";
    return ok(`${header}\n${listing.entries.join("\n")}${note}`);
  },
});
