// A store that stops writing once its worker lost the run: after the lease is gone (expired and
// taken by another attempt, or handed back) nothing of the old attempt may change the run's record.
import { leasedStore } from "../store/leased-store.ts";
import type { RunLease } from "../store/run-queue.ts";
import type { Store } from "../store/store.ts";
import { StoreFencedError } from "../store/store-errors.ts";

/** Set `lost` to fence the store; `reason` says why in the error a write then throws. */
export interface Fence {
  lost: boolean;
  reason: string;
  /**
   * The lease the writes carry (updateRun, appendEvent of its run): the store refuses them once it
   * sees the lease lost (LeaseLostError), even before this worker's renewal has noticed.
   */
  lease?: RunLease;
}

/** Methods that only read: they still work behind a fence (nothing they do changes a record). */
const readOnly = /^(get|list|find|count|cancelRequested)/;

/** `store`, whose writes throw StoreFencedError once `fence.lost` is set (reads and close still work). */
export function fencedStore(given: Store, fence: Fence): Store {
  const store = leasedStore(given, () => fence.lease);
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      if (property === "close" || readOnly.test(property)) return value.bind(target);
      return (...args: unknown[]): unknown => {
        if (fence.lost) throw new StoreFencedError(fence.reason, property);
        return (value as (...parameters: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
