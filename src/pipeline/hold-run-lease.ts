// The lease a `slipway run` holds on the run it executes itself, like a worker's: renewed while the
// run lasts, released when it ends. A process that dies (kill -9, a lost container, another PID
// namespace) stops renewing, and any later writing start ends the run interrupted: no pid or host check.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { leasedStore } from "../store/leased-store.ts";
import { inProcessHolderPrefix, type RunLease } from "../store/run-queue.ts";
import type { Store } from "../store/store.ts";

export interface HeldRun {
  /** The store with the lease passed to the run's writes (fenced). */
  store: Store;
  /** Aborted when the lease is lost (another process ended the run meanwhile). */
  lost: AbortSignal;
  /** Stop renewing and drop the lease (after the run's outcome is recorded). */
  release: () => Promise<void>;
}

/** Hold `runId` (stored running by this process) for `leaseMs`, renewed every third of it. */
export async function holdRunLease(store: Store, runId: string, leaseMs: number): Promise<HeldRun> {
  const holder = `${inProcessHolderPrefix}${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  let lease: RunLease | undefined = await store.holdRun(runId, holder, leaseMs);
  const lost = new AbortController();
  let busy = false;
  const renew = async (): Promise<void> => {
    if (busy || lease === undefined) return;
    busy = true;
    try {
      const renewed = await store.renewLease(lease, leaseMs);
      if (renewed) lease = renewed;
      else {
        const run = await store.getRun(runId);
        // Not renewable because this process has just finished the run: nothing is lost.
        if (run?.status === "finished" && run.attempt === lease.attempt) return;
        lost.abort(new Error(`run ${runId} lost its lease: another process ended it`));
        lease = undefined;
      }
    } catch {
      // A store that cannot answer now is asked again at the next tick; the lease outlives two misses.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void renew(), Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();
  const first = lease;
  return {
    // Writes carry the lease held at the start: its holder and attempt are what the store checks.
    store: leasedStore(store, () => first),
    lost: lost.signal,
    release: async () => {
      clearInterval(timer);
      await store.releaseRun(first).catch(() => {
        // Not released: it expires, and the next expiry pass drops it (the run is finished).
      });
    },
  };
}
