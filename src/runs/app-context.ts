// What every command, worker and API call needs: the loaded configuration, the data directory and
// the store (with crash recovery done on open). cli/ and the API stay thin adapters over it.
// Commands that only read (runs, show, stats, pr) open an existing store and never create one.
import path from "node:path";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { resolveDataDir } from "../config/data-dir.ts";
import { loadConfig } from "../config/load-config.ts";
import { recoverInterruptedRuns } from "../pipeline/recover-runs.ts";
import { openConfiguredStore, storeExists } from "../store/open-store.ts";
import type { Store } from "../store/store.ts";

export interface GlobalOptions {
  dataDir?: string;
  config?: string;
}

/** The configuration and where the data lives: everything checked before anything is written. */
export interface AppSettings {
  config: SlipwayConfig;
  dataDir: string;
  env: NodeJS.ProcessEnv;
}

export interface AppContext extends AppSettings {
  store: Store;
}

/** The store's file in `dataDir`. */
export function storeFile(dataDir: string): string {
  return path.join(dataDir, "slipway.db");
}

/** Load and validate the configuration; `flags` are config values given on the command line. Writes nothing. */
export function loadAppSettings(global: GlobalOptions, flags: Record<string, unknown> = {}): AppSettings {
  const env = process.env;
  const merged = global.dataDir ? { ...flags, dataDir: global.dataDir } : flags;
  const { config } = loadConfig({
    explicitFile: global.config,
    projectDir: process.cwd(),
    env,
    flags: merged,
  });
  return { config, dataDir: resolveDataDir(config.dataDir, env), env };
}

/**
 * Open the store of `settings` (creating the data directory and the store when missing), and
 * recover runs whose lease expired unless `recover` is false (a worker sweeps in its own loop).
 */
export async function openAppStore(
  settings: AppSettings,
  options: { recover?: boolean } = {},
): Promise<AppContext> {
  // store.backend picks SQLite in the data directory or Postgres (store/open-store.ts).
  const store = await openConfiguredStore(settings, { integrityCheck: "interval" });
  if (options.recover === false) return { ...settings, store };
  await recoverInterruptedRuns(store, {
    sweepContainers: "when-orphans",
    maxAttempts: settings.config.queue.maxAttempts,
  }).catch(() => {
    // Recovery must never keep a command from running (a read-only `runs` least of all): the runs
    // it could not look at are looked at again by the next command.
  });
  return { ...settings, store };
}

/** Load config and open the store, creating it when missing: for commands that record runs. */
export async function openApp(
  global: GlobalOptions,
  flags: Record<string, unknown> = {},
): Promise<AppContext> {
  return openAppStore(loadAppSettings(global, flags));
}

/**
 * For commands that only read what runs recorded: `work` on the existing store (closed after), or
 * `missing` when the data directory holds none. Nothing is created: a mistyped --data-dir stays a typo.
 */
export async function withExistingStore<T>(
  settings: AppSettings,
  work: (app: AppContext) => Promise<T>,
  missing: () => T,
  /** `writes` for a command that changes one record (cancel): the integrity check's interval applies. */
  access: "reads" | "writes" = "reads",
): Promise<T> {
  if (!storeExists(settings)) return missing();
  // No recovery here, and no integrity check for reading: a reading command must never end a run it
  // cannot judge alive (another host or PID namespace may hold it) nor read every page of the file.
  const integrityCheck = access === "writes" ? "interval" : "never";
  const app = { ...settings, store: await openConfiguredStore(settings, { integrityCheck }) };
  try {
    return await work(app);
  } finally {
    await app.store.close();
  }
}

/** The one line for a data directory with no store: nothing has run with it yet. */
export function noStoreLine(dataDir: string): string {
  return `no runs yet in ${dataDir} (no slipway.db there; --data-dir or SLIPWAY_DATA_DIR choose another)`;
}
