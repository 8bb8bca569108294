// Reading past bad rows: a list that meets a row it cannot parse skips it and reports it, so one
// damaged run does not hide every other run from `slipway runs` and `slipway stats`.
import { SlipwayError } from "../core/errors.ts";

/** A row a list skipped: its id and why it could not be read. */
export interface UnreadableRow {
  id: string;
  message: string;
}

/**
 * Map `rows` with `read`. Without `onUnreadable` the first bad row throws (as before); with it, a
 * row whose `read` throws a SlipwayError is skipped and reported. Other errors always throw.
 */
export function readRows<R extends { id?: unknown }, T>(
  rows: readonly R[],
  read: (row: R) => T,
  onUnreadable: ((row: UnreadableRow) => void) | undefined,
): T[] {
  if (!onUnreadable) return rows.map(read);
  const readable: T[] = [];
  for (const row of rows) {
    try {
      readable.push(read(row));
    } catch (error) {
      if (!SlipwayError.isInstance(error)) throw error;
      onUnreadable({ id: String(row.id), message: error.message });
    }
  }
  return readable;
}
