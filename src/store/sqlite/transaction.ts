// One helper for write transactions on SQLite, so every writer takes the lock the same way.
import type { DatabaseSync } from "node:sqlite";

/**
 * Run `work` inside BEGIN IMMEDIATE … COMMIT. IMMEDIATE takes the write lock up front, so a
 * read-then-write (like the next event seq) cannot be overtaken by another connection; waiting for
 * the lock is bounded by the connection's busy timeout. Rolls back and rethrows when `work` throws.
 */
export function inImmediateTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    // SQLite may already have rolled back on some errors (e.g. SQLITE_FULL); only roll back if still open.
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}
