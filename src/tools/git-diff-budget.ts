// Keeps the git tool's `diff` from hashing huge worktree files on the host. git diff hashes every
// changed worktree file it compares by content (patch, --stat, --numstat), on the host, outside the
// sandbox's CPU cap; a sparse file costs the agent no disk but costs the host ~10 s of CPU per GiB
// on every call. A cheap stat-only probe (`--raw`) names the files git would hash first.
import { type RunGitOptions, runGit } from "../workspace/git.ts";
import { FileAccessError, openRegularFileInside } from "../workspace/safe-fs.ts";
import { formatCount } from "./file-text.ts";

/** Worktree bytes one `diff` call may hash, over all the files it compares by content. */
export const maxDiffWorktreeBytes = 64 * 1024 * 1024;

/** Output options that print names and modes only: git compares them by stat, hashing nothing. */
const statOnlyOutputs = ["--raw", "--name-only", "--name-status"];
/** Output options that need the content (a patch is the default when no output option is given). */
const contentOutputs =
  /^(-p|--patch|--stat(=.*)?|--numstat|--shortstat|--word-diff|--summary|-U\d+|--unified=\d+)$/;

/** True unless the options ask only for names and modes. Pure. */
export function diffReadsContent(options: readonly string[]): boolean {
  const statOnly = options.some((option) => statOnlyOutputs.includes(option));
  return !statOnly || options.some((option) => contentOutputs.test(option));
}

/**
 * The worktree paths a `diff` would hash: entries of a NUL-separated `--raw` listing whose new side
 * has no object yet and that still exist (a deletion has no new side to hash). Pure.
 */
export function worktreeSidePaths(rawOutput: string): string[] {
  const fields = rawOutput.split("\0");
  const paths: string[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const [, , , newObject = "", status = ""] = fields[index]!.split(" ");
    if (/^0+$/.test(newObject) && status !== "D") paths.push(fields[index + 1]!);
  }
  return paths;
}

/** The size of the regular file at `relativePath`, reached without following any link; undefined for anything else. */
async function regularFileSize(worktree: string, relativePath: string): Promise<number | undefined> {
  try {
    const { handle, size } = await openRegularFileInside(worktree, relativePath);
    await handle.close();
    return size;
  } catch (error) {
    // A link, a special file or a path through a link: git hashes no such content (a link's target is a short name).
    if (FileAccessError.isFileAccessError(error)) return undefined;
    throw error;
  }
}

export interface DiffProbe {
  options: RunGitOptions;
  /** Already resolved revisions (commit ids) and worktree-relative paths, as the real call gets them. */
  revisions: readonly string[];
  paths: readonly string[];
  cached: boolean;
  signal: AbortSignal;
}

/** Why the diff is refused (files too large to hash on the host), or undefined when it may run. */
export async function diffBudgetProblem(worktree: string, probe: DiffProbe): Promise<string | undefined> {
  if (probe.cached) return undefined;
  const { stdout } = await runGit(
    [
      "--literal-pathspecs",
      "diff",
      "--raw",
      "-z",
      "--no-renames",
      "--no-ext-diff",
      "--no-textconv",
      "--ignore-submodules=dirty",
      "--end-of-options",
      ...probe.revisions,
      "--",
      ...probe.paths,
    ],
    { ...probe.options, timeoutMs: 30_000, maxOutputBytes: 4 * 1024 * 1024, signal: probe.signal },
  );
  const sized: { file: string; size: number }[] = [];
  for (const file of worktreeSidePaths(stdout)) {
    const size = await regularFileSize(worktree, file);
    if (size !== undefined) sized.push({ file, size });
  }
  const total = sized.reduce((sum, entry) => sum + entry.size, 0);
  if (total <= maxDiffWorktreeBytes) return undefined;
  const largest = sized.sort((left, right) => right.size - left.size).slice(0, 3);
  const named = largest.map((entry) => `${JSON.stringify(entry.file)} (${formatCount(entry.size)} bytes)`);
  return `git diff would hash ${formatCount(total)} bytes of worktree files on the host (more than ${formatCount(maxDiffWorktreeBytes)}), largest ${named.join(", ")}; use --name-status or --raw, or name smaller files after --`;
}
