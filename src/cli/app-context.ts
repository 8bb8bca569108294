// What every command needs: the loaded configuration, the data directory and the store (with
// crash recovery done on open). Commands stay thin: parse flags, call a service, set the exit code.
import path from "node:path";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { resolveDataDir } from "../config/data-dir.ts";
import { loadConfig } from "../config/load-config.ts";
import { recoverInterruptedRuns } from "../pipeline/recover-runs.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import type { Store } from "../store/store.ts";

export interface GlobalOptions {
  dataDir?: string;
  config?: string;
}

export interface AppContext {
  config: SlipwayConfig;
  dataDir: string;
  store: Store;
  env: NodeJS.ProcessEnv;
}

/** Load config and open the store; `flags` are config values given on the command line. */
export async function openApp(
  global: GlobalOptions,
  flags: Record<string, unknown> = {},
): Promise<AppContext> {
  const env = process.env;
  const merged = global.dataDir ? { ...flags, dataDir: global.dataDir } : flags;
  const { config } = loadConfig({
    explicitFile: global.config,
    projectDir: process.cwd(),
    env,
    flags: merged,
  });
  const dataDir = resolveDataDir(config.dataDir, env);
  const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
  await recoverInterruptedRuns(store, { sweepContainers: "when-orphans" });
  return { config, dataDir, store, env };
}
