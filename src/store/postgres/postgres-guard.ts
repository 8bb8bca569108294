// Turns a Postgres or connection failure into a StoreError saying what failed, why and what to do;
// retries (bounded) the transactions Postgres asks to retry (serialization failure, deadlock).
import { setTimeout as sleep } from "node:timers/promises";
import { SlipwayError, StoreError } from "../../core/errors.ts";
import { StoreBusyError } from "../store-errors.ts";

/** SQLSTATEs that mean "run the transaction again". */
const retryable = new Set(["40001", "40P01"]);
const maxTries = 5;

interface PostgresFailure {
  code?: unknown;
  message?: unknown;
}

/** The one-line cause of a failure, with what to do about it. */
export function postgresFailureCause(location: string, error: unknown): string {
  const { code, message } = (error ?? {}) as PostgresFailure;
  const text = typeof message === "string" ? message.split("\n")[0] : String(error);
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "CONNECT_TIMEOUT" || code === "ETIMEDOUT")
    return `cannot reach the Postgres store at ${location} (${text}): check store.url and that the server is running`;
  if (code === "28P01" || code === "28000")
    return `Postgres at ${location} refused the login (${text}): check the user and password in the variable store.urlEnv names`;
  if (code === "3D000") return `the database of ${location} does not exist (${text}): create it first`;
  if (code === "23505") return `a record with the same key is already in ${location} (${text})`;
  return `${text} (${location})`;
}

/** Run `work`; retry it on a serialization failure or deadlock, and turn other failures into StoreError. */
export async function pgGuarded<T>(action: string, location: string, work: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await work();
    } catch (error) {
      if (SlipwayError.isInstance(error)) throw error;
      const code = (error as PostgresFailure | null)?.code;
      if (typeof code === "string" && retryable.has(code) && tries < maxTries) {
        await sleep(tries * 5 + Math.random() * 10);
        continue;
      }
      if (code === "55P03") {
        throw new StoreBusyError(
          `could not ${action}: another Slipway process held a lock on ${location} past the lock timeout: try again when it has finished`,
          { details: { location, sqlstate: code }, cause: error },
        );
      }
      throw new StoreError(`could not ${action}: ${postgresFailureCause(location, error)}`, {
        details: { location, ...(typeof code === "string" ? { sqlstate: code } : {}) },
        cause: error,
      });
    }
  }
}
