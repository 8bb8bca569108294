// The git side of the local forge: finds the remote repository and pushes a run's branch into it
// with force-with-lease semantics, without running anything of the remote's.
//
// A real `git push` into a local repository starts `git receive-pack` there, and receive-pack runs
// the remote's hooks (pre-receive, update, post-receive, reference-transaction …) with the remote's
// own config: settings on our side cannot switch them off. So the push is done from the receiving
// side instead, the way src/workspace/deliver.ts delivers a branch: a hardened `git fetch` run in
// the remote copies the commit from the mirror to a temporary ref (fetch runs no hooks, and the
// hardened `core.hooksPath=/dev/null` stops the reference-transaction hook), then `git update-ref`
// moves the branch only if it still holds the expected sha: an atomic compare-and-swap.
import { randomBytes } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { ForgeError } from "../../core/errors.ts";
import { checkedOutBranches, fetchFromMirror } from "../../workspace/deliver.ts";
import { GitCommandError, type RunGitOptions, runGit } from "../../workspace/git.ts";

const transferTimeoutMs = 10 * 60_000;

/** A local repository the forge pushes to: its path (the forge's `repository`) and its git dir. */
export interface LocalRemote {
  path: string;
  gitDir: string;
}

function notConfigured(message: string, remote: string, cause?: unknown): ForgeError {
  return new ForgeError(message, { code: "forge_not_configured", details: { remote }, cause });
}

/**
 * Resolve `remote` (a bare repository or a checkout) to its real path and git dir. Git never looks
 * above the path for a repository, so a plain directory inside someone's checkout is refused rather
 * than mistaken for that checkout.
 */
export async function openLocalRemote(remote: string, signal?: AbortSignal): Promise<LocalRemote> {
  const absolute = path.resolve(remote);
  const advice = "set forge.remote to a bare repository (`git init --bare <path>`) or a checkout";
  if (!existsSync(absolute))
    throw notConfigured(`the forge remote ${absolute} does not exist: ${advice}`, absolute);
  const real = realpathSync(absolute);
  try {
    const { stdout } = await runGit(["rev-parse", "--absolute-git-dir", "--show-cdup"], {
      cwd: real,
      signal,
      timeoutMs: 30_000,
      env: { GIT_CEILING_DIRECTORIES: path.dirname(real) },
    });
    const [gitDir, cdup] = stdout.split("\n");
    if (!gitDir) throw new Error("git printed no git dir");
    // --show-cdup is non-empty when `real` is a subdirectory of a checkout rather than its top.
    if (cdup?.trim())
      throw notConfigured(`the forge remote ${real} is inside a repository, not its top: ${advice}`, real);
    return { path: real, gitDir };
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    throw notConfigured(`the forge remote ${real} is not a git repository: ${advice}`, real, error);
  }
}

function remoteOptions(remote: LocalRemote, signal?: AbortSignal): RunGitOptions {
  return { gitDir: remote.gitDir, cwd: remote.path, signal, timeoutMs: 60_000 };
}

/** The commit `branch` names in the remote, or null when it has no such branch. */
export async function localBranchSha(
  remote: LocalRemote,
  branch: string,
  signal?: AbortSignal,
): Promise<string | null> {
  try {
    const { stdout } = await runGit(
      ["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/heads/${branch}^{commit}`],
      remoteOptions(remote, signal),
    );
    return stdout.trim();
  } catch (error) {
    // Exit 1 with --quiet: no such ref. Anything else is a broken remote and must surface.
    if (error instanceof GitCommandError && error.exitCode === 1) return null;
    throw error;
  }
}

export interface LocalPush {
  mirrorPath: string;
  branch: string;
  commit: string;
  expectedRemoteSha: string | null;
  signal?: AbortSignal;
}

function rejected(push: LocalPush, remote: LocalRemote, actual: string | null): ForgeError {
  const expected = push.expectedRemoteSha;
  const where = `branch ${push.branch} of ${remote.path}`;
  const why =
    actual === null
      ? `was deleted since Slipway pushed ${expected?.slice(0, 12)} to it`
      : expected === null
        ? `already exists (at ${actual.slice(0, 12)}) and Slipway did not push it`
        : `holds ${actual.slice(0, 12)}, not ${expected.slice(0, 12)} that Slipway pushed last: someone else committed to it`;
  return new ForgeError(`the push was refused: ${where} ${why}; nothing was overwritten`, {
    code: "push_rejected",
    details: { remote: remote.path, branch: push.branch, expected, actual, commit: push.commit },
  });
}

async function refuseCheckedOut(remote: LocalRemote, push: LocalPush): Promise<void> {
  const { stdout } = await runGit(["worktree", "list", "--porcelain"], remoteOptions(remote, push.signal));
  if (checkedOutBranches(stdout).includes(`refs/heads/${push.branch}`)) {
    throw new ForgeError(
      `the push was refused: branch ${push.branch} is checked out in ${remote.path}; switch that checkout to another branch and run again`,
      { code: "push_rejected", details: { remote: remote.path, branch: push.branch } },
    );
  }
}

/** Where pushes park the fetched commit; named `<epoch ms>-<pid>-<random>` so a sweep can age them. */
const incomingPrefix = "refs/slipway-incoming/";

/** An incoming ref older than this belongs to a push that died: none lasts past its transfer timeout. */
const staleIncomingMs = transferTimeoutMs + 10 * 60_000;

/**
 * Delete the temporary refs that pushes killed mid-way left in the user's repository (they keep
 * objects alive). Judged by the time in the name, never by pid: only refs older than any live push,
 * or of the old `<pid>-<random>` form. Failures are ignored: the push itself must not depend on it.
 */
export async function sweepIncomingRefs(
  remote: LocalRemote,
  signal?: AbortSignal,
  now = Date.now(),
): Promise<string[]> {
  const options = remoteOptions(remote, signal);
  const listed = await runGit(["for-each-ref", "--format=%(refname)", incomingPrefix], options).catch(
    () => undefined,
  );
  const stale = (listed?.stdout ?? "")
    .split("\n")
    .filter((ref) => ref.startsWith(incomingPrefix))
    .filter((ref) => {
      const [first = "", ...rest] = ref.slice(incomingPrefix.length).split("-");
      // The old form (<pid>-<random>, two parts) predates the time stamp: no push of this version.
      return rest.length < 2 || Number(first) + staleIncomingMs < now;
    })
    .slice(0, 1000);
  for (const ref of stale) await runGit(["update-ref", "-d", ref], options).catch(() => undefined);
  return stale;
}

/** Copy the mirror's branch into the remote under a temporary ref; returns that ref. */
async function fetchIntoRemote(remote: LocalRemote, push: LocalPush): Promise<string> {
  const incoming = `${incomingPrefix}${Date.now()}-${process.pid}-${randomBytes(6).toString("hex")}`;
  try {
    await fetchRef(remote, push, incoming);
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    throw new ForgeError(`cannot push to ${remote.path}: ${error.message}`, {
      details: { remote: remote.path, branch: push.branch },
      cause: error,
    });
  }
  return incoming;
}

async function fetchRef(remote: LocalRemote, push: LocalPush, incoming: string): Promise<void> {
  await fetchFromMirror(push.mirrorPath, `refs/heads/${push.branch}:${incoming}`, {
    ...remoteOptions(remote, push.signal),
    timeoutMs: transferTimeoutMs,
  });
}

/**
 * Make `branch` of the remote point at `commit` (taken from the mirror's branch of the same name),
 * but only while it still holds `expectedRemoteSha` (null: only while it does not exist). Throws a
 * ForgeError `push_rejected` otherwise, or when the branch is checked out there; nothing changes.
 */
export async function pushToLocalRemote(remote: LocalRemote, push: LocalPush): Promise<void> {
  await refuseCheckedOut(remote, push);
  // What earlier pushes killed mid-way left here goes first (the next push is the sweep's moment).
  await sweepIncomingRefs(remote, push.signal);
  const options = remoteOptions(remote, push.signal);
  const incoming = await fetchIntoRemote(remote, push);
  try {
    const fetched = (await runGit(["rev-parse", "--verify", `${incoming}^{commit}`], options)).stdout.trim();
    if (fetched !== push.commit) {
      throw new ForgeError(
        `the mirror's branch ${push.branch} is at ${fetched.slice(0, 12)}, not the run's commit ${push.commit.slice(0, 12)}: another run moved it; run the task again`,
        { details: { branch: push.branch, fetched, commit: push.commit } },
      );
    }
    const ref = `refs/heads/${push.branch}`;
    try {
      await runGit(
        ["update-ref", "-m", "slipway: push", ref, push.commit, push.expectedRemoteSha ?? ""],
        options,
      );
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      throw rejected(push, remote, await localBranchSha(remote, push.branch, push.signal));
    }
  } finally {
    // The commit is reachable from the branch now (or the push failed): the temporary ref goes. A
    // failure here is ignored on purpose: a leftover ref only keeps objects alive, and must not hide
    // the push's own result.
    await runGit(["update-ref", "-d", incoming], options).catch(() => undefined);
  }
}
