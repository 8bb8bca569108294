// Classifies the `--repo` argument: a git URL, or a local repository normalized to its absolute top level.
import { statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../core/errors.ts";
import { GitCommandError, runGit } from "./git.ts";

const urlSchemes = /^(https?|ssh|git|file):\/\/[^\s]+$/i;
/** scp-like `user@host:path`, as ssh understands it. */
const scpLike = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/;

/** True when `value` is a git URL Slipway fetches from (https, http, ssh, git, file, user@host:path). */
export function isGitUrl(value: string): boolean {
  return urlSchemes.test(value) || scpLike.test(value);
}

const advice = "pass the path of a git checkout or a git URL";

function notRepository(absolute: string, reason: string): InputError {
  return new InputError(`${absolute} ${reason}: ${advice}`, {
    code: "repo_invalid",
    details: { repo: absolute },
  });
}

async function gitLines(args: string[], cwd: string, signal?: AbortSignal): Promise<string[]> {
  const { stdout } = await runGit(args, { cwd, signal, timeoutMs: 30_000 });
  return stdout.split("\n").filter((line) => line.length > 0);
}

/** The top level of the repository containing `directory` (its git dir when it is bare). */
async function repositoryRoot(directory: string, signal?: AbortSignal): Promise<string> {
  // A checkout, the usual case, answers all three in one git command; a bare repository (or a
  // directory inside a git dir) fails the --show-toplevel part and is asked in two steps below.
  const checkout = await gitLines(
    ["rev-parse", "--is-bare-repository", "--absolute-git-dir", "--show-toplevel"],
    directory,
    signal,
  ).catch(() => undefined);
  if (checkout?.[0] === "false" && checkout[2]) return checkout[2];
  try {
    const [bare, gitDir] = await gitLines(
      ["rev-parse", "--is-bare-repository", "--absolute-git-dir"],
      directory,
      signal,
    );
    if (bare === "true" && gitDir) return gitDir;
    const [top] = await gitLines(["rev-parse", "--show-toplevel"], directory, signal);
    if (!top) throw notRepository(directory, "is inside a git directory, not a checkout");
    return top;
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    if (/not a git repository/i.test(error.stderr)) throw notRepository(directory, "is not a git repository");
    throw new InputError(`${directory} cannot be used as a repository (${error.message})`, {
      code: "repo_invalid",
      details: { repo: directory },
      cause: error,
    });
  }
}

/**
 * Resolve the `--repo` argument to what a Task stores: a git URL unchanged, or the absolute top-level
 * path of the local repository the argument points into. Throws InputError `repo_invalid` when the
 * argument is neither.
 */
export async function resolveRepoSource(argument: string, signal?: AbortSignal): Promise<string> {
  const value = argument.trim();
  if (value.length === 0)
    throw new InputError(`the repository is empty: ${advice}`, { code: "repo_invalid" });
  if (isGitUrl(value)) return value;
  const absolute = path.resolve(value);
  const stats = statSync(absolute, { throwIfNoEntry: false });
  if (!stats) throw notRepository(absolute, "does not exist");
  if (!stats.isDirectory()) throw notRepository(absolute, "is not a directory, so not a git repository");
  return repositoryRoot(absolute, signal);
}
