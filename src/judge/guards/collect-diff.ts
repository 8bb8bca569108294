// Collects the change from a base commit to a tree (the one under review) as a ParsedDiff.
import { InputError, WorkspaceError } from "../../core/errors.ts";
import type { RawEntry } from "../diff/diff-listing.ts";
import { listingArguments, measureChange } from "../diff/measure-change.ts";
import { type DiffFile, type DiffFileStatus, type ParsedDiff, parseDiff } from "../diff/parse-diff.ts";
import { readBinaryChanges } from "../diff/read-binary-changes.ts";
import { defaultReviewLimits, type ReviewLimits } from "../diff/review-limits.ts";

/**
 * Runs git with these arguments in the worktree and resolves to its stdout; rejects on failure,
 * and when `maxOutputBytes` is given, rejects once the output grows past it.
 */
export type GitRunner = (args: string[], options?: { maxOutputBytes?: number }) => Promise<string>;

/** Diff options that make the output parseDiff reads regardless of the user's git config. */
export const diffArguments: readonly string[] = [
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--no-relative",
  "-U3",
  "--find-renames",
  "--src-prefix=a/",
  "--dst-prefix=b/",
];

/** Refuse a revision that git would read as an option, or an empty one. */
function checkRevision(role: string, revision: string): void {
  if (revision === "" || revision.startsWith("-")) {
    throw new InputError(`"${revision}" is not a ${role} revision; pass a commit or tree id or a ref name`, {
      details: { [role]: revision },
    });
  }
}

/**
 * Stage the whole worktree (`git add --all`, so new files count) and write the index as a tree;
 * resolves to the tree id. For callers that have no frozen tree of their own.
 */
export async function stageWorktreeTree(runGit: GitRunner): Promise<string> {
  await runGit(["add", "--all"]);
  return (await runGit(["write-tree"])).trim();
}

const statuses: Record<string, DiffFileStatus> = { A: "added", C: "added", D: "deleted", R: "renamed" };

/** A file of a change whose patch was not read: its path, status and modes, no lines. */
function unreadFile(entry: RawEntry): DiffFile {
  return {
    path: entry.path,
    ...(entry.status === "R" && entry.oldPath !== undefined ? { oldPath: entry.oldPath } : {}),
    status: statuses[entry.status] ?? "modified",
    binary: false,
    ...(entry.oldMode === undefined ? {} : { oldMode: entry.oldMode }),
    ...(entry.newMode === undefined ? {} : { newMode: entry.newMode }),
    addedLines: [],
    removedLines: [],
    hunks: [],
  };
}

/** Git's modes are authoritative: a pure rename's patch prints none, `--raw` always does. */
function applyModes(parsed: ParsedDiff, entries: RawEntry[]): void {
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  for (const file of parsed.files) {
    const entry = byPath.get(file.path);
    if (entry === undefined || (file.status === "deleted") !== (entry.newMode === undefined)) continue;
    if (entry.oldMode !== undefined && file.status !== "added") file.oldMode = entry.oldMode;
    if (entry.newMode !== undefined) file.newMode = entry.newMode;
  }
}

/** The patch, read with a cap git's own counts justify: more output than that is refused. */
async function readPatch(runGit: GitRunner, base: string, target: string, maxBytes: number): Promise<string> {
  try {
    const argv = ["diff", ...diffArguments, "--text", "--end-of-options", base, target, "--"];
    return await runGit(argv, { maxOutputBytes: maxBytes });
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0];
    throw new WorkspaceError(
      `the review diff could not be read (${reason}; git's counts allow it ${maxBytes.toLocaleString("en-US")} bytes); nothing is reviewed or committed`,
      { cause: error },
    );
  }
}

/**
 * Parse `git diff <base> <target>`: the change from the base commit to `target`, a tree-ish (the
 * frozen tree the pipeline reviews and commits). Nothing is staged or written. Every file is read
 * as text (`--text`), so a NUL byte or a `.gitattributes` `-diff` hides nothing from the guards;
 * files git would show as binary are marked, with their sizes and type in `binaryChange`.
 * Git's counts are read first: a change over `limits` (pass the guard policy's, reviewLimitsFor)
 * is not read at all; the result then lists its files without lines and says why in `unread`,
 * which the size guard refuses. `runGit` must be bound to the repository and bring its own timeout
 * and hardening.
 */
export async function collectDiff(
  runGit: GitRunner,
  base: string,
  target: string,
  limits: ReviewLimits = defaultReviewLimits,
): Promise<ParsedDiff> {
  checkRevision("base", base);
  checkRevision("target", target);
  const measure = await measureChange(runGit, base, target, limits);
  const { entries } = measure;
  // Fail closed: measured over the limits, the patch is never read.
  if ("tooLarge" in measure) return { files: entries.map(unreadFile), unread: measure.tooLarge };
  const binary = await readBinaryChanges(runGit, base, target, listingArguments);
  const text = await readPatch(runGit, base, target, measure.patchBytes);
  const parsed = parseDiff(text);
  applyModes(parsed, entries);
  for (const file of parsed.files) {
    const change = binary.get(file.path);
    if (change === undefined) continue;
    file.binary = true;
    file.binaryChange = change;
    binary.delete(file.path);
  }
  // Both listings name the same files; a binary change left over would go unmarked: fail closed.
  const unmatched = [...binary.keys()];
  if (unmatched.length > 0) {
    throw new WorkspaceError(
      `the review diff does not name the binary file ${JSON.stringify(unmatched[0])} that git lists; nothing is reviewed or committed`,
      { details: { unmatched: unmatched.slice(0, 10) } },
    );
  }
  return parsed;
}
