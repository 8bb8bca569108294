// Crash recovery by lease: a run whose holder (a worker, or the `slipway run` executing it) stopped
// renewing its lease is requeued or ended and its worktree removed, and the docker sandbox containers
// of runs that are finished or lost their lease are removed. No run's fate rests on a pid or a
// hostname (only `sandbox exec`'s containers, which serve no run, are judged by their owner's pid).

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { describeError } from "../core/errors.ts";
import { eventRow } from "../core/events/run-events.ts";
import type { Run } from "../core/run.ts";
import { engineSocketPresent } from "../sandbox/docker/engine-socket.ts";
import { type ExpiredLeases, inProcessHolderPrefix } from "../store/run-queue.ts";
import type { Store } from "../store/store.ts";

/** Past its wall-time limit by this much, a run nobody holds a lease on cannot still be running. */
const unleasedGraceMs = 10 * 60_000;

/**
 * A running run with no lease (stored by a Slipway from before leases, or its process died between
 * storing it and taking the lease) is judged by its wall-time limit, never by pid or hostname.
 */
function pastItsTime(run: Run, now: number): boolean {
  if (run.status !== "running") return false;
  const started = Date.parse(run.startedAt);
  return Number.isFinite(started) && started + run.limits.maxMinutes * 60_000 + unleasedGraceMs < now;
}

/** Remove a dead attempt's worktree and volume; returns what went wrong, or undefined. */
export async function removeRunLeftovers(run: Run): Promise<string | undefined> {
  if (!run.worktree) return undefined;
  const { mirrorPath } = run.state;
  try {
    // Loaded only when there is something to remove: every command that opens the store recovers
    // first, and `slipway runs` must start without the workspace and setup modules.
    const [{ releaseSetupMounts }, { removeWorktree }, { closeRunVolume, recordedVolume }] =
      await Promise.all([
        import("../setup/setup-copy.ts"),
        import("../workspace/worktree.ts"),
        import("../workspace/run-volume.ts"),
      ]);
    // A warm snapshot's overlays first: the worktree's removal must not walk into them.
    // (A worktree already gone, or never made, has none.)
    if (existsSync(run.worktree)) await releaseSetupMounts(run.worktree);
    if (mirrorPath) await removeWorktree(mirrorPath, run.worktree);
    await rm(run.worktree, { recursive: true, force: true });
    const volume = recordedVolume(run.state);
    if (volume) await closeRunVolume(volume.mountPoint, volume.image);
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

/** How long recovery waits for the Docker engine: it runs at every start and must not hang it. */
const engineSweepTimeoutMs = 5_000;

/**
 * Remove the docker sandbox containers of runs that are finished or whose lease expired (by the
 * store's record, after expireLeases), and those of `sandbox exec` (no run) whose owning process on
 * this host is gone: their agent's code would otherwise run on indefinitely. Returns the ids removed.
 * Loads the Docker client only when an engine socket exists; throws SandboxError when the engine
 * cannot be asked.
 */
export async function removeOrphanedSandboxContainers(store: Store, socketPath?: string): Promise<string[]> {
  if (!(await engineSocketPresent(socketPath))) return [];
  const { removeLeftoverContainers } = await import("../sandbox/docker/leftover-containers.ts");
  const removed = await removeLeftoverContainers({
    maxAgeMs: Number.POSITIVE_INFINITY,
    socketPath,
    lookUpRun: (runId) => store.getRun(runId),
    signal: AbortSignal.timeout(engineSweepTimeoutMs),
  });
  return removed.map((container) => container.id);
}

export interface RecoveryOptions {
  /**
   * `always` (the default) asks the Docker engine for orphaned sandbox containers on every call;
   * `when-orphans` only when this sweep ended or requeued a run (its containers are then leftovers) — the Docker client costs every
   * command ~130 ms to load, and a container without its owner also stops itself (heartbeat) and
   * is swept when the next docker sandbox starts.
   */
  sweepContainers?: "always" | "when-orphans";
  /** queue.maxAttempts: a worker's run whose lease expires is requeued until it has had this many. */
  maxAttempts?: number;
}

/** queue.maxAttempts' default, for callers without a configuration. */
const defaultMaxAttempts = 3;

/** bwrap sandboxes whose process died: scratch directories and cgroups whose lease ended (by time only). */
async function sweepSandboxFiles(): Promise<void> {
  if (process.platform !== "linux") return;
  const { sweepSandboxLeftovers } = await import("../sandbox/bwrap/sandbox-leftovers.ts");
  await sweepSandboxLeftovers().catch(() => {
    // Left for the next sweep; a start must not fail on another run's leftovers.
  });
}

async function sweepContainers(store: Store): Promise<void> {
  await removeOrphanedSandboxContainers(store).catch(() => {
    // An engine that does not answer must not stop every command from starting; each docker
    // sandbox's start runs the same sweep and a run on docker fails there if the engine is broken.
  });
}

/** Record why a run ended and remove what it left; the run is already finished or held by us. */
async function cleanUpEnded(store: Store, run: Run, detail?: string): Promise<Run> {
  const problem = await removeRunLeftovers(run);
  await store.appendEvent(
    eventRow({
      runId: run.id,
      at: new Date().toISOString(),
      type: "run-interrupt",
      stage: run.stage,
      data: { ownerPid: run.ownerPid, worktreeRemoved: problem === undefined, problem },
    }),
  );
  return store.updateRun(run.id, {
    ...(detail === undefined
      ? {}
      : {
          status: "finished" as const,
          outcome: run.outcome ?? "interrupted",
          outcomeDetail:
            run.outcome === undefined ? detail : `${run.outcomeDetail ?? run.outcome} (${detail})`,
          endedAt: new Date().toISOString(),
        }),
    worktree: problem === undefined ? null : run.worktree,
  });
}

/**
 * A running run without a lease, past its wall time: taken with holdRun first (one recovery wins,
 * the others are refused), so concurrent recoveries record it once.
 */
async function recoverUnleased(store: Store, stale: Run): Promise<Run | undefined> {
  const holder = `${inProcessHolderPrefix}recovery:${process.pid}:${randomBytes(4).toString("hex")}`;
  const lease = await store.holdRun(stale.id, holder, 60_000).catch(() => undefined);
  if (!lease) return undefined;
  try {
    const run = await store.getRun(stale.id);
    if (run?.status !== "running") return undefined;
    const detail = `it ran past its ${run.limits.maxMinutes} min wall time with no process holding its lease (stage ${run.stage})`;
    return await cleanUpEnded(store, run, detail);
  } finally {
    await store.releaseRun(lease).catch(() => undefined);
  }
}

/** Run `work` for each id on its own: one that fails is left for the next recovery, never stopping the rest. */
async function eachRun(ids: string[], work: (id: string) => Promise<Run | undefined>): Promise<Run[]> {
  const done: Run[] = [];
  for (const id of ids) {
    try {
      const run = await work(id);
      if (run) done.push(run);
    } catch {
      // Left for the next recovery (its leftovers stay recorded on the run); this one goes on.
    }
  }
  return done;
}

/** What one sweep did: the store's expiry pass, and the runs it ended and cleaned here. */
export interface SweepResult {
  expired: ExpiredLeases;
  ended: Run[];
}

/**
 * Recovery, for writing starts (run) and the worker's periodic sweep; never for reading commands.
 * Runs whose lease expired are requeued or ended by the store (expireLeases hands each to one caller
 * only, so concurrent sweeps record each run once); those ended here get a run-interrupt event and
 * lose their worktree and volume. Unleased runs past their wall time are ended the same way. Each
 * run is handled on its own: one that fails is left for the next sweep.
 */
export async function sweepExpiredRuns(store: Store, options: RecoveryOptions = {}): Promise<SweepResult> {
  const expired = await store.expireLeases(new Date(), options.maxAttempts ?? defaultMaxAttempts);
  const ended = await eachRun([...expired.interrupted, ...expired.cancelled], async (id) => {
    const run = await store.getRun(id);
    return run ? cleanUpEnded(store, run) : undefined;
  });
  const now = Date.now();
  const unleased = (await store.listUnfinishedRuns()).filter((run) => pastItsTime(run, now));
  ended.push(
    ...(await eachRun(
      unleased.map((run) => run.id),
      (id) => store.getRun(id).then((run) => run && recoverUnleased(store, run)),
    )),
  );
  if ((options.sweepContainers ?? "always") === "always" || ended.length > 0 || expired.requeued.length > 0)
    await sweepContainers(store);
  await sweepSandboxFiles();
  return { expired, ended };
}

/** sweepExpiredRuns, for a start that only needs the runs it ended. */
export async function recoverInterruptedRuns(store: Store, options: RecoveryOptions = {}): Promise<Run[]> {
  return (await sweepExpiredRuns(store, options)).ended;
}
