// Turns an unexpected SQLite failure into a StoreError that says what failed and where.
import { SlipwayError, StoreError } from "../../core/errors.ts";

/** Run `work`; turn any failure that is not already a SlipwayError into a StoreError saying what failed. */
export function guarded<T>(action: string, location: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (SlipwayError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`could not ${action} in ${location}: ${reason}`, {
      details: { location },
      cause: error,
    });
  }
}
