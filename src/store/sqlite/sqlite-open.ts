// Opening one SQLite connection the way every Slipway connection needs it: WAL, foreign keys, no
// blocking busy wait, a quick integrity check, then pending migrations.
import { DatabaseSync } from "node:sqlite";
import { applyMigrations } from "./migrations.ts";

/** SQLite's primary result code for a damaged file. */
const sqliteCorrupt = 11;

/** What a quick integrity check finds wrong with the file (at most 3 problems), or undefined when it is sound. */
function integrityProblem(db: DatabaseSync): string | undefined {
  try {
    const lines = db
      .prepare("PRAGMA quick_check(3)")
      .all()
      .map((row) => String(Object.values(row)[0]));
    // One line: SQLite's report spreads over several ("*** in database main ***\nPage 11: …").
    return lines.length === 1 && lines[0] === "ok" ? undefined : lines.join("; ").replace(/\s*\n\s*/g, " ");
  } catch (error) {
    const errcode = (error as { errcode?: unknown }).errcode;
    if (typeof errcode === "number" && (errcode & 0xff) === sqliteCorrupt) return (error as Error).message;
    throw error;
  }
}

/**
 * Open the connection with the settings every Slipway connection needs. A file that fails the
 * integrity check is not migrated (that would write to it): `damaged` says what is wrong.
 */
export function openDatabase(filePath: string): { db: DatabaseSync; damaged?: string } {
  // timeout 0: SQLite's busy wait would block the event loop; guarded() waits asynchronously instead.
  const db = new DatabaseSync(filePath, { timeout: 0, enableForeignKeyConstraints: true });
  try {
    db.exec("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL is safe against application crashes; only a power loss may drop the last commits.
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    const damaged = integrityProblem(db);
    if (damaged !== undefined) return { db, damaged };
    applyMigrations(db, filePath);
    return { db };
  } catch (error) {
    db.close();
    throw error;
  }
}
