// Test support: a real git repository in a temporary directory, to produce real diffs.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { collectDiff, type GitRunner, stageWorktreeTree } from "../guards/collect-diff.ts";
import type { ParsedDiff } from "./parse-diff.ts";

/** Set when git cannot run here; tests that need it skip with this reason. */
export const gitMissing: string | false =
  spawnSync("git", ["--version"], { timeout: 10_000 }).status === 0 ? false : "git is not installed";

// The user's and the system's git configuration must not change what the tests see.
const gitEnvironment = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.invalid",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.invalid",
};

export interface TempGitRepo {
  dir: string;
  git(args: string[]): string;
  /** A GitRunner for collectDiff, bound to this repository. */
  runGit: GitRunner;
  write(path: string, content: string | Uint8Array): void;
  remove(path: string): void;
  move(from: string, to: string): void;
  /** Stage everything, commit, and return the commit id. */
  commit(message?: string): string;
  /** The staged change against `base`, parsed, as the pipeline will collect it. */
  diff(base: string): Promise<ParsedDiff>;
  cleanup(): void;
}

/** Create an empty repository; call `cleanup` in an after hook. */
export function createTempGitRepo(): TempGitRepo {
  const dir = mkdtempSync(join(tmpdir(), "slipway-guards-"));
  const git = (args: string[], maxBuffer = 64 * 1024 * 1024): string =>
    execFileSync("git", args, {
      cwd: dir,
      env: gitEnvironment,
      encoding: "utf8",
      timeout: 30_000,
      maxBuffer,
    });
  git(["init", "--quiet", "--initial-branch=main"]);
  const repo: TempGitRepo = {
    dir,
    git,
    runGit: async (args, options) => git(args, options?.maxOutputBytes),
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    remove(path) {
      rmSync(join(dir, path));
    },
    move(from, to) {
      mkdirSync(dirname(join(dir, to)), { recursive: true });
      renameSync(join(dir, from), join(dir, to));
    },
    commit(message = "base") {
      git(["add", "--all"]);
      git(["commit", "--quiet", "--allow-empty", "-m", message]);
      return git(["rev-parse", "HEAD"]).trim();
    },
    diff: async (base) => collectDiff(repo.runGit, base, await stageWorktreeTree(repo.runGit)),
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return repo;
}

/**
 * Commit `before`, write `after` (a null content deletes the file) and return the parsed diff.
 * The usual shape of a guard test: one base, one change.
 */
export async function diffOfChange(
  repo: TempGitRepo,
  before: Record<string, string>,
  after: Record<string, string | null>,
): Promise<ParsedDiff> {
  for (const [path, content] of Object.entries(before)) repo.write(path, content);
  const base = repo.commit();
  for (const [path, content] of Object.entries(after)) {
    if (content === null) repo.remove(path);
    else repo.write(path, content);
  }
  return repo.diff(base);
}
