// Crash recovery: a run whose owning process died is marked interrupted and its worktree removed,
// and sandbox containers whose owning process is gone (a killed run or sandbox exec) are removed.
import { rm } from "node:fs/promises";
import { hostname } from "node:os";
import { describeError } from "../core/errors.ts";
import { eventRow } from "../core/events/run-events.ts";
import { processAlive } from "../core/process-alive.ts";
import type { Run } from "../core/run.ts";
import { engineSocketPresent } from "../sandbox/docker/engine-socket.ts";
import type { Store } from "../store/store.ts";

/**
 * A run executed by the process that submitted it (`slipway run`, no lease) is orphaned when that
 * process is gone. Runs a worker executes are never judged by pid: their lease expires instead.
 */
function isOrphaned(run: Run): boolean {
  const inProcess = run.state.owner === "process" || run.spec === undefined || run.spec === null;
  if (!inProcess || run.status !== "running") return false;
  if (run.ownerHost !== hostname()) return false;
  if (run.ownerPid === process.pid) return false;
  return !processAlive(run.ownerPid);
}

/** Remove a dead attempt's worktree and volume; returns what went wrong, or undefined. */
export async function removeRunLeftovers(run: Run): Promise<string | undefined> {
  if (!run.worktree) return undefined;
  const mirrorPath = typeof run.state.mirrorPath === "string" ? run.state.mirrorPath : undefined;
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
    await releaseSetupMounts(run.worktree);
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
 * Remove the docker sandbox containers whose owning process on this host is gone: their agent's
 * code would otherwise run on indefinitely. Returns the ids removed. Loads the Docker client only
 * when an engine socket exists; throws SandboxError when the engine cannot be asked.
 */
export async function removeOrphanedSandboxContainers(socketPath?: string): Promise<string[]> {
  if (!(await engineSocketPresent(socketPath))) return [];
  const { removeLeftoverContainers } = await import("../sandbox/docker/leftover-containers.ts");
  const removed = await removeLeftoverContainers({
    maxAgeMs: Number.POSITIVE_INFINITY,
    socketPath,
    signal: AbortSignal.timeout(engineSweepTimeoutMs),
  });
  return removed.map((container) => container.id);
}

export interface RecoveryOptions {
  /**
   * `always` (the default) asks the Docker engine for orphaned sandbox containers on every call;
   * `when-orphans` only when a run of this host was found orphaned — the Docker client costs every
   * command ~130 ms to load, and a container without its owner also stops itself (heartbeat) and
   * is swept when the next docker sandbox starts.
   */
  sweepContainers?: "always" | "when-orphans";
}

async function sweepContainers(): Promise<void> {
  await removeOrphanedSandboxContainers().catch(() => {
    // An engine that does not answer must not stop every command from starting; each docker
    // sandbox's start runs the same sweep and a run on docker fails there if the engine is broken.
  });
}

async function recoverRun(store: Store, orphan: Run): Promise<Run | undefined> {
  // Read again just before writing: another command's recovery may have finished it meanwhile.
  const run = await store.getRun(orphan.id);
  if (run?.status !== "running") return undefined;
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
    status: "finished",
    outcome: "interrupted",
    outcomeDetail: `the process running it (pid ${run.ownerPid}) stopped during stage ${run.stage}`,
    endedAt: new Date().toISOString(),
    worktree: problem === undefined ? null : run.worktree,
  });
}

/**
 * Mark every orphaned in-process run on this host as interrupted; returns the runs it recovered.
 * Each run is recovered on its own: one that fails (a bad row, a failed write) is skipped and
 * tried again by the next command, never stopping the others or the command.
 */
export async function recoverInterruptedRuns(store: Store, options: RecoveryOptions = {}): Promise<Run[]> {
  const orphans = (await store.listUnfinishedRuns()).filter(isOrphaned);
  if ((options.sweepContainers ?? "always") === "always" || orphans.length > 0) await sweepContainers();
  const recovered: Run[] = [];
  for (const orphan of orphans) {
    try {
      const run = await recoverRun(store, orphan);
      if (run) recovered.push(run);
    } catch {
      // Left running for the next command to try again; this command goes on.
    }
  }
  return recovered;
}
