// `logs [-f]`: a run's events in order from any process, and (following) the new ones as they are
// recorded, read from the store in batches until the run finishes.
import { setTimeout as sleep } from "node:timers/promises";
import type { RunEvent } from "../core/run.ts";
import type { Store } from "../store/store.ts";

/** Events read per query: a long trace is read in pages, never all at once. */
const batchSize = 500;

export interface FollowOptions {
  /** Keep reading new events until the run finishes (or `signal` aborts). */
  follow: boolean;
  /** How long to wait between reads when nothing is new. */
  pollMs: number;
  signal?: AbortSignal;
  onEvent: (event: RunEvent) => void;
}

/** Read every event of `runId` after `afterSeq`, in order; returns the last seq seen. */
async function readNew(
  store: Store,
  runId: string,
  afterSeq: number,
  options: FollowOptions,
): Promise<number> {
  let last = afterSeq;
  // Bounded by the run's trace, which only grows by what its run records.
  for (;;) {
    const batch = await store.listEventsAfter(runId, last, batchSize);
    for (const event of batch) {
      options.onEvent(event);
      last = event.seq;
    }
    if (batch.length < batchSize || options.signal?.aborted) return last;
  }
}

/**
 * Print the run's events; when following, poll for new ones until the run is finished (the events
 * its end recorded are read after it is seen finished, so none is missed). Resolves to whether
 * the run had finished when reading stopped.
 */
export async function followRunEvents(store: Store, runId: string, options: FollowOptions): Promise<boolean> {
  let last = 0;
  for (;;) {
    // The status is read before the events: a run finished by then has recorded its last event.
    const finished = (await store.getRun(runId))?.status === "finished";
    last = await readNew(store, runId, last, options);
    if (finished) return true;
    if (!options.follow || options.signal?.aborted) return false;
    try {
      await sleep(options.pollMs, undefined, { signal: options.signal });
    } catch {
      return false; // Stopped by the caller (Ctrl-C): what was read is printed.
    }
  }
}
