// The repository's own instructions for agents (AGENTS.md, CLAUDE.md, Copilot's file), read from the
// base commit's objects in the mirror: never from the worktree, whose copy the agent may replace with
// a link to a host file or a FIFO. A link or a directory at the base is refused, never followed.
import { WorkspaceError } from "../core/errors.ts";
import { runGit } from "../workspace/git.ts";
import { type CutText, cutToBudget, nestedBudgetChars, rootBudgetChars } from "./instructions-text.ts";

/** Root files in order of preference: the first regular one is sent with the task. */
export const rootInstructionFiles = ["AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md"] as const;
/** A blob larger than this is refused unread: instructions are a few kilobytes. */
export const maxInstructionBytes = 256 * 1024;
/** Nested files kept at most (nearest the root first); a repository may hold any number. */
export const maxNestedFiles = 200;
/** The listing of a repository's AGENTS.md files is refused past this size. */
const maxListingBytes = 1024 * 1024;
/** The empty tree's id in SHA-1 and SHA-256 repositories: listing against it lists every match. */
const emptyTrees: Record<number, string> = {
  40: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
  64: "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
};

/** One instructions file at the base commit. */
export interface InstructionsEntry {
  path: string;
  mode: string;
  objectId: string;
}

/** A nested AGENTS.md not yet read: its folder and where its blob is. */
export interface NestedInstructions {
  folder: string;
  path: string;
  objectId: string;
}

export interface InstructionsRefusal {
  path: string;
  reason: string;
}

/** What the base commit offers: the root file's text (cut to its budget) and the nested files. */
export interface RepoInstructions {
  root?: { path: string } & CutText;
  nested: NestedInstructions[];
  refused: InstructionsRefusal[];
}

/** Parse `git diff-tree -r -z` output against the empty tree: `:000000 <mode> <0…> <id> A\0<path>\0`. */
export function parseAddedEntries(output: string): InstructionsEntry[] {
  const fields = output.split("\0");
  const entries: InstructionsEntry[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const match = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) A$/.exec(fields[index]!);
    if (match) entries.push({ mode: match[1]!, objectId: match[2]!, path: fields[index + 1]! });
  }
  return entries;
}

/** A regular file (not a link, a submodule or a directory) is the only kind read. */
function isRegularBlob(entry: InstructionsEntry): boolean {
  return entry.mode === "100644" || entry.mode === "100755";
}

/** Every candidate file at `baseCommit`: the root names and every AGENTS.md in any folder. */
async function listCandidates(
  mirrorPath: string,
  baseCommit: string,
  signal?: AbortSignal,
): Promise<InstructionsEntry[]> {
  const emptyTree = emptyTrees[baseCommit.length];
  if (!emptyTree || !/^[0-9a-f]+$/.test(baseCommit)) {
    throw new WorkspaceError(`"${baseCommit}" is not a commit id; the base must be resolved first`);
  }
  // ls-tree takes no glob; diff-tree against the empty tree lists the same entries with modes.
  const listing = await runGit(
    [
      "diff-tree",
      "-r",
      "-z",
      "--no-renames",
      emptyTree,
      baseCommit,
      "--",
      ":(glob)**/AGENTS.md",
      ...rootInstructionFiles.slice(1),
    ],
    { gitDir: mirrorPath, signal, maxOutputBytes: maxListingBytes },
  );
  return parseAddedEntries(listing.stdout);
}

/** A blob's text, or the reason it was not read. */
export async function readInstructionsBlob(
  mirrorPath: string,
  objectId: string,
  signal?: AbortSignal,
): Promise<string | { refused: string }> {
  try {
    const blob = await runGit(["cat-file", "blob", objectId], {
      gitDir: mirrorPath,
      signal,
      maxOutputBytes: maxInstructionBytes,
    });
    return blob.stdout;
  } catch (error) {
    if (signal?.aborted) throw error;
    return { refused: `could not be read (larger than ${maxInstructionBytes} bytes?)` };
  }
}

/** The first regular root file, read and cut; every root candidate that is not regular is refused. */
async function readRoot(
  mirrorPath: string,
  entries: InstructionsEntry[],
  refused: InstructionsRefusal[],
  signal?: AbortSignal,
): Promise<RepoInstructions["root"]> {
  for (const name of rootInstructionFiles) {
    const entry = entries.find((candidate) => candidate.path === name);
    if (!entry) continue;
    if (!isRegularBlob(entry)) {
      refused.push({ path: name, reason: `is not a regular file at the base commit (mode ${entry.mode})` });
      continue;
    }
    const text = await readInstructionsBlob(mirrorPath, entry.objectId, signal);
    if (typeof text !== "string") {
      refused.push({ path: name, reason: text.refused });
      continue;
    }
    return { path: name, ...cutToBudget(text, rootBudgetChars) };
  }
  return undefined;
}

/** The nested AGENTS.md files that are regular, nearest the root first, at most maxNestedFiles. */
function nestedEntries(entries: InstructionsEntry[], refused: InstructionsRefusal[]): NestedInstructions[] {
  const nested: NestedInstructions[] = [];
  for (const entry of entries) {
    if (!entry.path.includes("/") || !entry.path.endsWith("/AGENTS.md")) continue;
    if (!isRegularBlob(entry)) {
      refused.push({
        path: entry.path,
        reason: `is not a regular file at the base commit (mode ${entry.mode})`,
      });
      continue;
    }
    nested.push({
      folder: entry.path.slice(0, -"/AGENTS.md".length),
      path: entry.path,
      objectId: entry.objectId,
    });
  }
  const depth = (item: NestedInstructions): number => item.path.split("/").length;
  nested.sort((left, right) => depth(left) - depth(right) || (left.path < right.path ? -1 : 1));
  return nested.slice(0, maxNestedFiles);
}

/** Read what the base commit offers. A listing that fails (too many files) yields no nested files. */
export async function loadRepoInstructions(
  mirrorPath: string,
  baseCommit: string,
  signal?: AbortSignal,
): Promise<RepoInstructions> {
  const refused: InstructionsRefusal[] = [];
  let entries: InstructionsEntry[];
  try {
    entries = await listCandidates(mirrorPath, baseCommit, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return { nested: [], refused: [{ path: "AGENTS.md", reason: `listing failed: ${reason}` }] };
  }
  const root = await readRoot(mirrorPath, entries, refused, signal);
  return { ...(root ? { root } : {}), nested: nestedEntries(entries, refused), refused };
}

/** A nested file's text cut to its budget, or the reason it was not read. */
export async function readNestedInstructions(
  mirrorPath: string,
  nested: NestedInstructions,
  signal?: AbortSignal,
): Promise<CutText | { refused: string }> {
  const text = await readInstructionsBlob(mirrorPath, nested.objectId, signal);
  return typeof text === "string" ? cutToBudget(text, nestedBudgetChars) : text;
}
