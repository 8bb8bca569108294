// Opening one SQLite connection the way every Slipway connection needs it: WAL, foreign keys, no
// blocking busy wait, a quick integrity check (see IntegrityCheckMode), then pending migrations.
import { DatabaseSync } from "node:sqlite";
import { forgetCleanCheck, recentlyChecked, rememberCleanCheck } from "./integrity-check-memo.ts";
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
 * When to run quick_check at open: `always`; `interval`, at most once an hour while the file is the
 * one last found sound (it reads every page: 70–400 ms on a 20–200 MB store); `never` (reading only).
 */
export type IntegrityCheckMode = "always" | "interval" | "never";

function checkIntegrity(db: DatabaseSync, filePath: string, mode: IntegrityCheckMode): string | undefined {
  if (mode === "never" || (mode === "interval" && recentlyChecked(filePath))) return undefined;
  const damaged = integrityProblem(db);
  if (damaged === undefined) rememberCleanCheck(filePath);
  else forgetCleanCheck(filePath);
  return damaged;
}

/**
 * Open the connection with the settings every Slipway connection needs. A file that fails the
 * integrity check is not migrated (that would write to it): `damaged` says what is wrong.
 */
export function openDatabase(
  filePath: string,
  mode: IntegrityCheckMode = "always",
): { db: DatabaseSync; damaged?: string } {
  // timeout 0: SQLite's busy wait would block the event loop; guarded() waits asynchronously instead.
  const db = new DatabaseSync(filePath, { timeout: 0, enableForeignKeyConstraints: true });
  try {
    db.exec("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL is safe against application crashes; only a power loss may drop the last commits.
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    const damaged = checkIntegrity(db, filePath, mode);
    if (damaged !== undefined) return { db, damaged };
    applyMigrations(db, filePath);
    return { db };
  } catch (error) {
    db.close();
    throw error;
  }
}
