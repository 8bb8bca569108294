// A lock file per mirror (O_EXCL, holding pid and host), so two runs never clone or fetch one mirror at once.
import { randomBytes } from "node:crypto";
import { link, open, readFile, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { WorkspaceError } from "../core/errors.ts";
import { processAlive } from "../core/process-alive.ts";

export interface FileLockOptions {
  /** How long to wait for another holder before giving up (default 10 minutes: a big clone takes time). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Poll interval while waiting. */
  pollMs?: number;
}

interface LockHolder {
  pid: number;
  host: string;
}

/** Parse a lock file's `<pid> <host>`; undefined when it is empty or garbled (being written, or broken). */
export function parseLockHolder(text: string): LockHolder | undefined {
  const [pidText, host = ""] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  return Number.isSafeInteger(pid) && pid > 0 ? { pid, host } : undefined;
}

/** A holder is stale only when it is provably dead: same host and no such process. */
function isStale(holder: LockHolder | undefined): boolean {
  return holder !== undefined && holder.host === hostname() && !processAlive(holder.pid);
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return parseLockHolder(await readFile(file, "utf8"));
  } catch {
    // Gone between the failed create and this read: the next attempt will tell.
    return undefined;
  }
}

async function tryCreate(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, "wx");
    try {
      await handle.writeFile(`${process.pid} ${hostname()}\n`);
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

/** Run `work` while holding the lock file `lockPath`; waits (bounded) for another holder to finish. */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await tryCreate(lockPath))) {
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
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
