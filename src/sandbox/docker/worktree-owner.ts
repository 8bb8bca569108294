// Who the agent's processes run as, and how they get write access to the worktree: the docker
// engine maps no users (unlike bwrap's user namespace), so a uid inside is the same uid on the host.
import { execFile } from "node:child_process";
import { randomInt } from "node:crypto";
import { lstat } from "node:fs/promises";
import { promisify } from "node:util";
import { SandboxError } from "../../core/errors.ts";

const run = promisify(execFile);

/** A numeric user and group, as the engine's `User` setting and as host file ownership. */
export interface Identity {
  uid: number;
  gid: number;
}

/**
 * The range a root-owned worktree's sandbox user is drawn from, one uid per sandbox. uid 1000 is a
 * real account on most hosts (its processes, inotify watches and rlimits would be shared with the
 * sandbox's); account managers allocate below 60,000 and subordinate-uid ranges for user namespaces
 * start at 100,000 in blocks of 65,536, so nothing on a usual host owns a uid this high. It stays
 * below 2^31 for programs that keep uids in a signed int. One uid per sandbox keeps concurrent
 * sandboxes apart and makes the per-uid process limit (RLIMIT_NPROC) count one sandbox's processes.
 */
export const sandboxUidRange = { first: 2_000_000_000, last: 2_099_999_999 } as const;

/** A fresh, unused identity from `sandboxUidRange` (group id equal to the user id). */
export function unusedIdentity(): Identity {
  const uid = randomInt(sandboxUidRange.first, sandboxUidRange.last + 1);
  return { uid, gid: uid };
}

/** True for an identity this module handed out (it belongs to no host account). */
export function isSandboxIdentity(identity: Identity): boolean {
  return identity.uid >= sandboxUidRange.first && identity.uid <= sandboxUidRange.last;
}

export interface WorktreeAccess {
  /** Who runs the agent's processes in the container. */
  identity: Identity;
  /** The worktree's owner before the sandbox, when ownership was handed over and must be given back. */
  handedOverFrom: Identity | undefined;
}

/** The longest a hand-over may take: a worktree with node_modules has ~10^5 entries. */
const chownTimeoutMs = 10 * 60_000;

/**
 * Change the owner of `root` and everything below it: GNU `chown -R -P -h` walks with descriptors
 * relative to each directory (so no depth or PATH_MAX limit stops it), never follows a symbolic
 * link (the link itself changes owner, its target never) and goes on past an error, reporting it.
 * Any error fails the whole hand-over: a half-owned worktree must not pass silently.
 */
async function chownTree(root: string, owner: Identity): Promise<void> {
  try {
    await run("chown", ["-R", "-P", "-h", "--", `${owner.uid}:${owner.gid}`, root], {
      timeout: chownTimeoutMs,
      maxBuffer: 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const first = typeof stderr === "string" ? stderr.split("\n")[0] : "";
    const said = first || (error instanceof Error ? error.message : String(error));
    throw new SandboxError(
      `could not give ${root} to ${owner.uid}:${owner.gid} completely (${said}); fix it with \`chown -R -P -h ${owner.uid}:${owner.gid} ${root}\``,
      { details: { worktree: root, uid: owner.uid, gid: owner.gid }, cause: error },
    );
  }
}

/** The longest the one-owner check may take (it stops at the first entry of another owner). */
const ownerScanTimeoutMs = 5 * 60_000;

/**
 * The first entry below `root` (links themselves, never followed) whose owner or group is not
 * `owner`'s, or undefined when every entry has that one owner.
 */
async function otherOwnedEntry(root: string, owner: Identity): Promise<string | undefined> {
  const { stdout } = await run(
    "find",
    [
      "-P",
      root,
      "(",
      "!",
      "-uid",
      String(owner.uid),
      "-o",
      "!",
      "-gid",
      String(owner.gid),
      ")",
      "-print",
      "-quit",
    ],
    { timeout: ownerScanTimeoutMs, maxBuffer: 1024 * 1024 },
  ).catch((error: unknown) => {
    throw new SandboxError(`could not read the owners of the files in ${root}: ${String(error)}`, {
      details: { worktree: root },
      cause: error,
    });
  });
  return stdout.split("\n")[0] || undefined;
}

/**
 * Decide who runs the sandbox's commands for `worktree`. A worktree owned by an unprivileged user
 * (the platform's own) is used as it is, by that user: files stay the platform's, as with bwrap. A
 * worktree owned by root (the platform runs as root) is handed to a fresh unused uid for the
 * sandbox's life, when everything in it has that one owner (else SandboxError, nothing changed).
 * Throws SandboxError when the hand-over is incomplete.
 */
export async function grantWorktreeAccess(worktree: string): Promise<WorktreeAccess> {
  const stat = await lstat(worktree);
  const owner = { uid: stat.uid, gid: stat.gid };
  if (owner.uid !== 0) return { identity: owner, handedOverFrom: undefined };
  // The hand-back gives everything to one owner: a directory of several owners (someone's own
  // checkout, not a worktree Slipway made) would come back flattened. Refused, nothing changed.
  const other = await otherOwnedEntry(worktree, owner);
  if (other !== undefined) {
    throw new SandboxError(
      `${worktree} is owned by ${owner.uid}:${owner.gid} but ${other} is not: the docker sandbox hands the directory to its own user and back to one owner, which would change the owners of such files; run as the directory's owner, give the files one owner, or use --sandbox bwrap`,
      { code: "sandbox_unavailable", details: { worktree, entry: other } },
    );
  }
  const identity = unusedIdentity();
  const access = { identity, handedOverFrom: owner };
  try {
    await chownTree(worktree, identity);
  } catch (error) {
    // Give back what was handed over before reporting; the hand-over's error is the one to see.
    await chownTree(worktree, owner).catch(() => undefined);
    throw error;
  }
  return access;
}

/**
 * Give a handed-over worktree (and everything the sandbox wrote in it) back to its owner. Throws
 * SandboxError when any entry could not be given back: the run must fail, not end `success`.
 */
export async function revokeWorktreeAccess(worktree: string, access: WorktreeAccess): Promise<void> {
  if (access.handedOverFrom) await chownTree(worktree, access.handedOverFrom);
}
