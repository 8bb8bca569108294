// A lock file per mirror (O_EXCL), so two runs never clone or fetch one mirror at once. The file holds
// pid, host and a lease the holder renews while it works: a holder that stops renewing (a crashed
// process, a lost host) loses the lock once the lease ends, wherever it ran; pid and host only name it.
import { randomBytes } from "node:crypto";
import { link, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { WorkspaceError } from "../core/errors.ts";

export interface FileLockOptions {
  /** How long to wait for another holder before giving up (default 10 minutes: a big clone takes time). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Poll interval while waiting. */
  pollMs?: number;
  /** How long the holder's lease lasts unless renewed (default 60 s; renewed every third of it). */
  leaseMs?: number;
}

interface LockHolder {
  pid: number;
  host: string;
  /** When the lease ends (epoch ms); absent in lock files of older Slipway versions. */
  expiresAt?: number;
  /** Which holding this is, so a renewal never rewrites a lock someone else has since taken. */
  token?: string;
}

const defaultLeaseMs = 60_000;

/** Parse a lock file's `<pid> <host> [<lease end ms> <token>]`; undefined when empty or garbled. */
export function parseLockHolder(text: string): LockHolder | undefined {
  const [pidText, host = "", expiresText, token] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const expiresAt = Number(expiresText);
  return expiresText !== undefined && Number.isSafeInteger(expiresAt) && token
    ? { pid, host, expiresAt, token }
    : { pid, host };
}

function holderLine(token: string, leaseMs: number): string {
  return `${process.pid} ${hostname()} ${Date.now() + leaseMs} ${token}\n`;
}

/**
 * How long a lock without a lease (written by a Slipway from before leases, which never renews) is
 * honoured after its file was written: as long as that version waited for one.
 */
const leaselessLockMs = 600_000;

/**
 * Stale: its lease has ended, whatever host or PID namespace wrote it. Never judged by pid or
 * hostname: a live holder in another container or PID namespace looks dead from here.
 */
function isStale(holder: LockHolder | undefined): boolean {
  if (holder === undefined) return false;
  return (holder.expiresAt ?? Number.POSITIVE_INFINITY) < Date.now();
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const [text, stats] = await Promise.all([readFile(file, "utf8"), stat(file)]);
    const holder = parseLockHolder(text);
    // A lease-less lock's lease is its file's age (a garbled file is left to the wait's bound).
    return holder && holder.expiresAt === undefined
      ? { ...holder, expiresAt: stats.mtimeMs + leaselessLockMs }
      : holder;
  } catch {
    // Gone between the failed create and this read: the next attempt will tell.
    return undefined;
  }
}

async function tryCreate(lockPath: string, token: string, leaseMs: number): Promise<boolean> {
  try {
    const handle = await open(lockPath, "wx");
    try {
      await handle.writeFile(holderLine(token, leaseMs));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new WorkspaceError(`cannot create lock file ${lockPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Take over a lock whose holder died. The file is renamed aside first (atomic), so two waiters cannot
 * both delete it; if what was moved turns out to be a live holder's fresh lock, it is linked back.
 */
async function breakStaleLock(lockPath: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await rename(lockPath, aside);
  } catch {
    // Someone else moved or released it first: simply try to create it again.
    return;
  }
  if (!isStale(await readHolder(aside))) {
    // link() fails if a third process took the lock meanwhile; that race needs three runs and a crash.
    await link(aside, lockPath).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

function lockedError(lockPath: string, holder: LockHolder | undefined, timeoutMs: number): WorkspaceError {
  const who = holder ? `process ${holder.pid} on ${holder.host || "an unknown host"}` : "another process";
  return new WorkspaceError(
    `${lockPath} is held by ${who} after waiting ${Math.round(timeoutMs / 1000)} s; if no Slipway process uses this mirror, delete the lock file and retry`,
    { details: { lockPath, holder } },
  );
}

/**
 * Keep the lease of `token` on `lockPath` alive every third of `leaseMs` until stopped. A renewal
 * writes a new file and renames it over the lock (atomic), only while the lock is still this holding's.
 */
function renewWhileHeld(lockPath: string, token: string, leaseMs: number): () => void {
  const renew = async (): Promise<void> => {
    if ((await readHolder(lockPath))?.token !== token) return;
    const next = `${lockPath}.renew-${token}`;
    try {
      await writeFile(next, holderLine(token, leaseMs));
      await rename(next, lockPath);
    } catch {
      // A failed renewal is retried at the next tick; the lease covers two more of them.
      await rm(next, { force: true });
    }
  };
  const timer = setInterval(() => void renew(), Math.max(10, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

/** Run `work` while holding the lock file `lockPath`; waits (bounded) for another holder to finish. */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeoutMs;
  const leaseMs = options.leaseMs ?? defaultLeaseMs;
  const token = randomBytes(8).toString("hex");
  while (!(await tryCreate(lockPath, token, leaseMs))) {
    const holder = await readHolder(lockPath);
    if (isStale(holder)) {
      await breakStaleLock(lockPath);
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(lockPath, holder, timeoutMs);
    try {
      await sleep(options.pollMs ?? 200, undefined, { signal: options.signal });
    } catch (error) {
      throw new WorkspaceError(`waiting for ${lockPath} was cancelled`, { cause: error });
    }
  }
  const stopRenewing = renewWhileHeld(lockPath, token, leaseMs);
  try {
    return await work();
  } finally {
    stopRenewing();
    // Only our own lock: if the lease was lost and another run holds it now, it stays.
    if ((await readHolder(lockPath))?.token === token) await rm(lockPath, { force: true });
  }
}

/** The lock file of the bare mirror `mirrorPath` (`<name>.git` → `<name>.lock`, beside it). */
export function mirrorLockPath(mirrorPath: string): string {
  return mirrorPath.replace(/\.git$/, ".lock");
}

/**
 * Run `work` under the mirror's lock. Worktree adds, removes and prunes take it as fetches do: a fetch
 * walks every worktree's HEAD, and one that a concurrent `worktree add` has half-written (or a remove
 * has half-deleted) failed the fetch with "bad object worktrees/<name>/HEAD". Short holdings: polled often.
 */
export function withMirrorLock<T>(
  mirrorPath: string,
  work: () => Promise<T>,
  options: Pick<FileLockOptions, "timeoutMs" | "signal"> = {},
): Promise<T> {
  return withFileLock(mirrorLockPath(mirrorPath), work, { ...options, pollMs: 50 });
}
