// A worker: claims queued runs with leases, renews them while the runs execute, watches for cancel,
// and restarts runs whose worker died (their lease expired). Many workers share one store.

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { budgetClaimLimits } from "../budget/claim-budget.ts";
import { describeError } from "../core/errors.ts";
import { eventRow } from "../core/events/run-events.ts";
import type { Run } from "../core/run.ts";
import { sweepExpiredRuns } from "../pipeline/recover-runs.ts";
import { RunCancellation } from "../pipeline/run-context.ts";
import type { RunLease } from "../store/run-queue.ts";
import type { Store } from "../store/store.ts";
import type { AppContext } from "./app-context.ts";
import { executeRun } from "./execute-run.ts";
import { type Fence, fencedStore } from "./fenced-store.ts";

export interface WorkerOptions {
  app: AppContext;
  /** Runs executed at once by this worker. */
  concurrency: number;
  /** Execute the runs there are and exit when the queue has none left to claim. */
  once: boolean;
  /** Aborted: stop claiming; current runs get `drainMs` to finish, then are handed back. */
  stop: AbortSignal;
  /** How long a stopping worker waits for its current runs before handing them back (default: one lease). */
  drainMs?: number;
  /** One line per thing the worker did (claimed, finished, requeued…). */
  onNotice?: (line: string) => void;
}

export interface WorkerSummary {
  workerId: string;
  /** Runs this worker took to an outcome, with it. */
  finished: { runId: string; outcome: string }[];
  /** Runs it handed back (stopped before they ended): another worker restarts them. */
  handedBack: string[];
}

interface ActiveRun {
  lease: RunLease;
  fence: Fence;
  /** Stopped by a stopping worker: its lease is left to expire. */
  handedBack: boolean;
  controller: AbortController;
  done: Promise<void>;
}

/** End a run that could not be executed at all (its spec or services failed), with the reason. */
async function endUnexecutable(store: Store, runId: string, error: unknown): Promise<void> {
  const message = describeError(error);
  const run = await store.getRun(runId);
  if (!run || run.status === "finished") return;
  const at = new Date().toISOString();
  await store.appendEvent(
    eventRow({
      runId,
      at,
      type: "run-error",
      stage: run.stage,
      data: { message, code: "worker" },
    }),
  );
  await store.updateRun(runId, { status: "finished", outcome: "error", outcomeDetail: message, endedAt: at });
  await store.appendEvent(
    eventRow({
      runId,
      at,
      type: "run-end",
      stage: run.stage,
      data: { outcome: "error", detail: message },
    }),
  );
}

/** Renew the lease and look for a cancel, every `intervalMs`, until `until` settles. */
function keepLease(store: Store, active: ActiveRun, leaseMs: number, intervalMs: number): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy || active.fence.lost) return;
    busy = true;
    void (async () => {
      const renewed = await store.renewLease(active.lease, leaseMs);
      if (!renewed) {
        // A lease cannot be renewed on a run this attempt has just finished: that one is not lost.
        const run = await store.getRun(active.lease.runId);
        if (run?.status === "finished" && run.attempt === active.lease.attempt) return;
        active.fence.lost = true;
        active.fence.reason = `the worker lost its lease on run ${active.lease.runId} (attempt ${active.lease.attempt})`;
        active.controller.abort(new Error(active.fence.reason));
        return;
      }
      active.lease = renewed;
      if (await store.cancelRequested(active.lease.runId)) active.controller.abort(new RunCancellation());
    })()
      // A store that fails a renewal is asked again at the next tick; the lease outlives a few misses.
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return () => clearInterval(timer);
}

async function executeLeased(
  options: WorkerOptions,
  active: ActiveRun,
  summary: WorkerSummary,
  leaseMs: number,
): Promise<void> {
  const { app } = options;
  const runId = active.lease.runId;
  const notice = options.onNotice ?? (() => {});
  const tick = Math.max(50, Math.min(leaseMs / 3, app.config.queue.pollSeconds * 1000));
  const release = keepLease(app.store, active, leaseMs, tick);
  notice(`run ${runId}: attempt ${active.lease.attempt} started`);
  try {
    const store = fencedStore(app.store, active.fence);
    const run: Run = await executeRun(runId, { app: { ...app, store }, signal: active.controller.signal });
    summary.finished.push({ runId, outcome: run.outcome ?? "error" });
    notice(`run ${runId}: ${run.outcome}${run.outcomeDetail ? ` (${run.outcomeDetail})` : ""}`);
  } catch (error) {
    if (active.fence.lost) {
      summary.handedBack.push(runId);
      notice(`run ${runId}: handed back (${active.fence.reason})`);
    } else {
      await endUnexecutable(app.store, runId, error).catch(() => undefined);
      summary.finished.push({ runId, outcome: "error" });
      notice(`run ${runId}: error (${describeError(error)})`);
    }
  } finally {
    release();
    // A fenced attempt keeps no lease to drop: it expired, or it is left to expire (handed back).
    // A handed-back run keeps its lease until it expires, so the next worker restarts it; any other
    // is released (a lease another attempt took is not this one's: the store drops nothing then).
    if (!active.handedBack) {
      // Not dropped, the lease still ends: it expires, and the next expiry pass removes it.
      await app.store
        .releaseRun(active.lease)
        .catch((error) => notice(`run ${runId}: its lease was not released: ${describeError(error)}`));
    }
  }
}

/** Put runs whose worker died back in the queue (or end them at maxAttempts), and clean what they left. */
async function expireLeases(options: WorkerOptions): Promise<void> {
  const { store, config } = options.app;
  const notice = options.onNotice ?? (() => {});
  // The same sweep as a run's start (recover-runs.ts): ended runs get their event and lose their leftovers.
  const { expired, ended } = await sweepExpiredRuns(store, {
    maxAttempts: config.queue.maxAttempts,
    sweepContainers: "when-orphans",
  });
  for (const runId of expired.requeued) notice(`run ${runId}: its worker's lease expired; queued again`);
  for (const run of ended)
    notice(`run ${run.id}: its lease expired; ended as ${run.outcome ?? "interrupted"}`);
}

/** Claim runs while this worker has room; returns how many it claimed. */
async function claimRuns(
  options: WorkerOptions,
  workerId: string,
  active: Map<string, ActiveRun>,
  summary: WorkerSummary,
): Promise<number> {
  const { store, config } = options.app;
  const leaseMs = config.queue.leaseSeconds * 1000;
  const limits = {
    maxConcurrentRuns: config.limits.maxConcurrentRuns,
    maxRunsPerRepository: config.limits.maxRunsPerRepository,
  };
  let claimed = 0;
  while (active.size < options.concurrency && !options.stop.aborted) {
    // Runs whose budget is spent wait in the queue (budgets.whenExhausted: wait): the claim skips them.
    const lease = await store.claimRun(workerId, leaseMs, await budgetClaimLimits(store, config, limits));
    if (!lease) break;
    claimed++;
    const entry: ActiveRun = {
      lease,
      fence: { lost: false, reason: "", lease },
      handedBack: false,
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    entry.done = executeLeased(options, entry, summary, leaseMs).finally(() => active.delete(lease.runId));
    active.set(lease.runId, entry);
  }
  return claimed;
}

/** Wait for current runs up to `drainMs`, then hand the rest back (fenced, aborted, lease left to expire). */
async function drain(active: Map<string, ActiveRun>, drainMs: number): Promise<void> {
  const all = Promise.all([...active.values()].map((entry) => entry.done));
  const timedOut = await Promise.race([all.then(() => false), sleep(drainMs, true, { ref: false })]);
  if (!timedOut) return;
  for (const entry of active.values()) {
    entry.handedBack = true;
    entry.fence.lost = true;
    entry.fence.reason = "the worker was stopped before the run ended; another worker restarts it";
    entry.controller.abort(new Error(entry.fence.reason));
  }
  // Bounded too: a stage that ignores its signal does not keep the worker alive.
  await Promise.race([all, sleep(drainMs, undefined, { ref: false })]);
}

/**
 * Whether other workers hold runs: a run they finish may free a limit that keeps a queued run from
 * being claimed now, and a run whose worker died comes back to the queue when its lease expires.
 * (Runs executed in their own `slipway run` process hold no lease and count for no limit.)
 */
async function othersHoldRuns(store: Store): Promise<boolean> {
  const running = await store.listUnfinishedRuns();
  return running.some((run) => run.spec !== undefined && run.spec !== null && run.state.owner !== "process");
}

/** Run the worker until `stop` (or, with `once`, until the queue has nothing left for it). */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const summary: WorkerSummary = { workerId, finished: [], handedBack: [] };
  const active = new Map<string, ActiveRun>();
  const pollMs = options.app.config.queue.pollSeconds * 1000;
  // The expiry sweep (store passes, a scan of sandbox leftovers) runs at most every third of a lease,
  // not before each claim: a lease ends no sooner than that anyway, and a worker busy with short runs
  // loops once per finished run.
  const sweepEveryMs = (options.app.config.queue.leaseSeconds * 1000) / 3;
  let sweptAt = Number.NEGATIVE_INFINITY;
  while (!options.stop.aborted) {
    if (Date.now() - sweptAt >= sweepEveryMs) {
      sweptAt = Date.now();
      await expireLeases(options).catch((error) =>
        options.onNotice?.(`expiring leases failed: ${describeError(error)}`),
      );
    }
    const claimed = await claimRuns(options, workerId, active, summary);
    if (options.once && claimed === 0 && active.size === 0 && !(await othersHoldRuns(options.app.store)))
      break;
    const wake = [...active.values()].map((entry) => entry.done);
    await Promise.race([sleep(pollMs, undefined, { signal: options.stop }).catch(() => undefined), ...wake]);
  }
  await drain(active, options.drainMs ?? options.app.config.queue.leaseSeconds * 1000);
  return summary;
}
