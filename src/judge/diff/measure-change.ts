// Measures a change from git's small listings before its patch is read: files, changed lines
// (binary files' lines counted from their blobs) and bytes, against review's limits.
import type { GitRunner } from "../guards/collect-diff.ts";
import { type LineCounts, parseNumstat, parseRawEntries, type RawEntry } from "./diff-listing.ts";
import { overByteLimit, overCountLimits, patchByteCap, type ReviewLimits } from "./review-limits.ts";

/**
 * Listing options: no `-U` (which would add the whole patch to every listing), renames found as
 * the patch finds them, nothing from the user's or the repository's diff configuration.
 */
export const listingArguments = [
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--no-relative",
  "--find-renames",
];
const pathsPerCall = 100;

/** Bytes of the blobs of `paths` in `treeish` (from `ls-tree -l`), a hundred paths per call. */
async function blobBytes(runGit: GitRunner, treeish: string, paths: string[]): Promise<number> {
  let total = 0;
  for (let start = 0; start < paths.length; start += pathsPerCall) {
    const batch = paths.slice(start, start + pathsPerCall);
    // Literal pathspecs: a name such as `*.js` or `:(glob)x` names that file and nothing else.
    const argv = ["--literal-pathspecs", "ls-tree", "-r", "-l", "-z", "--end-of-options", treeish, "--"];
    const listing = await runGit([...argv, ...batch]);
    for (const line of listing.split("\0")) {
      const size = /^\d{6} \w+ [0-9a-f]+ +(\d+)\t/.exec(line)?.[1];
      if (size !== undefined) total += Number(size);
    }
  }
  return total;
}

/** Bytes of the old and new content of every file whose content changed. */
async function changedBytes(runGit: GitRunner, base: string, target: string, entries: RawEntry[]) {
  const changed = entries.filter((entry) => entry.oldId !== entry.newId);
  const oldPaths = changed.filter((entry) => entry.oldId !== undefined).map((e) => e.oldPath ?? e.path);
  const newPaths = changed.filter((entry) => entry.newId !== undefined).map((e) => e.path);
  return (await blobBytes(runGit, base, oldPaths)) + (await blobBytes(runGit, target, newPaths));
}

/** Lines of a blob (newlines, plus an unterminated last line). */
async function blobLines(runGit: GitRunner, id: string | undefined): Promise<number> {
  if (id === undefined) return 0;
  const content = await runGit(["cat-file", "blob", id]);
  let lines = 0;
  for (let index = content.indexOf("\n"); index >= 0; index = content.indexOf("\n", index + 1)) lines += 1;
  return lines + (content.length > 0 && !content.endsWith("\n") ? 1 : 0);
}

/**
 * Git does not count the lines of a file it calls binary, but the patch (read with --text) holds
 * them all: count them from both blobs, read only once the byte limit has passed.
 */
async function countBinaryLines(runGit: GitRunner, entries: RawEntry[], counts: Map<string, LineCounts>) {
  for (const entry of entries) {
    if (!counts.has(entry.path) || counts.get(entry.path) !== undefined) continue;
    if (entry.oldId === entry.newId) counts.set(entry.path, { added: 0, removed: 0 });
    else {
      const removed = await blobLines(runGit, entry.oldId);
      counts.set(entry.path, { added: await blobLines(runGit, entry.newId), removed });
    }
  }
}

/** What measureChange found: the files, why the change is too large, or how long its patch can be. */
export type ChangeMeasure = { entries: RawEntry[] } & ({ tooLarge: string } | { patchBytes: number });

/** Every changed line counted (binary files' lines included), or undefined while one is not. */
function totalLines(counts: Map<string, LineCounts>): number {
  let total = 0;
  for (const lines of counts.values()) total += lines === undefined ? 0 : lines.added + lines.removed;
  return total;
}

/**
 * The change's files, and either why it is too large to read (files, lines or bytes over
 * `limits`) or the most bytes its patch can hold (for a cap on reading it).
 */
export async function measureChange(
  runGit: GitRunner,
  base: string,
  target: string,
  limits: ReviewLimits,
): Promise<ChangeMeasure> {
  const range = ["--end-of-options", base, target, "--"];
  const entries = parseRawEntries(
    await runGit(["diff", ...listingArguments, "--raw", "-z", "--no-abbrev", ...range]),
  );
  const counts = parseNumstat(await runGit(["diff", ...listingArguments, "--numstat", "-z", ...range]));
  const textCounts = new Map([...counts].map(([path, lines]) => [path, lines ?? { added: 0, removed: 0 }]));
  const byCount = overCountLimits(entries, textCounts, limits);
  if (byCount !== undefined) return { entries, tooLarge: byCount };
  const bytes = await changedBytes(runGit, base, target, entries);
  const byBytes = overByteLimit(bytes, limits);
  if (byBytes !== undefined) return { entries, tooLarge: byBytes };
  await countBinaryLines(runGit, entries, counts);
  const byLines = overCountLimits(entries, counts, limits);
  if (byLines !== undefined) return { entries, tooLarge: byLines };
  return { entries, patchBytes: patchByteCap({ bytes, lines: totalLines(counts), files: entries.length }) };
}
