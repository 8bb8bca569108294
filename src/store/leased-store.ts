// A store whose run writes carry the writer's lease: updateRun and appendEvent of the leased run go
// through only while the store still sees that lease held (else LeaseLostError), so an attempt that
// lost its run can never write after another attempt or a recovery took it (issue 14, fencing).
import type { RunLease } from "./run-queue.ts";
import type { Store } from "./store.ts";

/** `store` with `lease()` passed to updateRun/appendEvent of its run; other calls unchanged. */
export function leasedStore(store: Store, lease: () => RunLease | undefined): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property === "updateRun") {
        const update: Store["updateRun"] = (id, change, fence) =>
          target.updateRun(id, change, fence ?? held(lease(), id));
        return update;
      }
      if (property === "appendEvent") {
        const append: Store["appendEvent"] = (event, fence) =>
          target.appendEvent(event, fence ?? held(lease(), event.runId));
        return append;
      }
      return value.bind(target);
    },
  });
}

function held(lease: RunLease | undefined, runId: string): RunLease | undefined {
  return lease?.runId === runId ? lease : undefined;
}
