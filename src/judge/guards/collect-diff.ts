// Collects the change from a base commit to a tree (the one under review) as a ParsedDiff.
import { InputError, WorkspaceError } from "../../core/errors.ts";
import { type ParsedDiff, parseDiff } from "../diff/parse-diff.ts";
import { readBinaryChanges } from "../diff/read-binary-changes.ts";

/** Runs git with these arguments in the worktree and resolves to its stdout; rejects on failure. */
export type GitRunner = (args: string[]) => Promise<string>;

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

/**
 * Parse `git diff <base> <target>`: the change from the base commit to `target`, a tree-ish (the
 * frozen tree the pipeline reviews and commits). Nothing is staged or written. Every file is read
 * as text (`--text`), so a NUL byte or a `.gitattributes` `-diff` hides nothing from the guards;
 * files git would show as binary are marked, with their sizes and type in `binaryChange`.
 * `runGit` must be bound to the repository and bring its own timeout and hardening.
 */
export async function collectDiff(runGit: GitRunner, base: string, target: string): Promise<ParsedDiff> {
  checkRevision("base", base);
  checkRevision("target", target);
  const binary = await readBinaryChanges(runGit, base, target, diffArguments);
  const text = await runGit(["diff", ...diffArguments, "--text", "--end-of-options", base, target, "--"]);
  const parsed = parseDiff(text);
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
