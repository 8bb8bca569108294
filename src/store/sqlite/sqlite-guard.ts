// Turns an unexpected SQLite failure into a StoreError that says what failed, why and what to do.
import { SlipwayError } from "../../core/errors.ts";
import { storeFailure } from "./store-failure.ts";

/** Run `work`; turn any failure that is not already a SlipwayError into a StoreError saying what failed. */
export function guarded<T>(action: string, location: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (SlipwayError.isInstance(error)) throw error;
    throw storeFailure(action, location, error);
  }
}
