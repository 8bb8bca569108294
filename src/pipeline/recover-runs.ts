// Crash recovery: a run whose owning process died is marked interrupted and its worktree removed.
import { rm } from "node:fs/promises";
import { hostname } from "node:os";
import { describeError } from "../core/errors.ts";
import { processAlive } from "../core/process-alive.ts";
import type { Run } from "../core/run.ts";
import type { Store } from "../store/store.ts";
import { removeWorktree } from "../workspace/worktree.ts";

function isOrphaned(run: Run): boolean {
  if (run.ownerHost !== hostname()) return false;
  if (run.ownerPid === process.pid) return false;
  return !processAlive(run.ownerPid);
}

async function removeLeftovers(run: Run): Promise<string | undefined> {
  if (!run.worktree) return undefined;
  const mirrorPath = typeof run.state.mirrorPath === "string" ? run.state.mirrorPath : undefined;
  try {
    if (mirrorPath) await removeWorktree(mirrorPath, run.worktree);
    await rm(run.worktree, { recursive: true, force: true });
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

/** Mark every orphaned run on this host as interrupted; returns the runs it recovered. */
export async function recoverInterruptedRuns(store: Store): Promise<Run[]> {
  const recovered: Run[] = [];
  for (const run of await store.listUnfinishedRuns()) {
    if (!isOrphaned(run)) continue;
    const problem = await removeLeftovers(run);
    await store.appendEvent({
      runId: run.id,
      at: new Date().toISOString(),
      type: "run-interrupt",
      stage: run.stage,
      data: { ownerPid: run.ownerPid, worktreeRemoved: problem === undefined, problem },
    });
    recovered.push(
      await store.updateRun(run.id, {
        status: "finished",
        outcome: "interrupted",
        outcomeDetail: `the process running it (pid ${run.ownerPid}) stopped during stage ${run.stage}`,
        endedAt: new Date().toISOString(),
        worktree: problem === undefined ? null : run.worktree,
      }),
    );
  }
  return recovered;
}
