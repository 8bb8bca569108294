// The store registry: opens the backend the configuration names (store.backend), SQLite in the data
// directory or Postgres at the URL held by the environment variable store.urlEnv names.
import { existsSync } from "node:fs";
import path from "node:path";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { ConfigError } from "../core/errors.ts";
import { openSqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.ts";
import type { Store } from "./store.ts";

export interface StoreSettings {
  config: Pick<SlipwayConfig, "store">;
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** The SQLite store's file in `dataDir`. */
export function sqliteStoreFile(dataDir: string): string {
  return path.join(dataDir, "slipway.db");
}

/** The Postgres URL from the variable store.urlEnv names; a clear ConfigError when it is unset or not a postgres URL. */
export function postgresUrl(settings: StoreSettings): string {
  const name = settings.config.store.urlEnv;
  const url = settings.env[name];
  if (url === undefined || url.trim() === "") {
    throw new ConfigError(
      `store.backend is postgres but the environment variable ${name} (store.urlEnv) is not set: set it to postgres://user:password@host:port/database`,
      { details: { urlEnv: name } },
    );
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError(`the environment variable ${name} (store.urlEnv) must hold a postgres:// URL`, {
      details: { urlEnv: name },
    });
  }
  return url;
}

/** True when there is a store to read: the SQLite file exists, or the backend is Postgres (a server). */
export function storeExists(settings: StoreSettings): boolean {
  return settings.config.store.backend === "postgres" || existsSync(sqliteStoreFile(settings.dataDir));
}

/** Open (creating or migrating as needed) the configured store; `options` apply to SQLite. */
export async function openConfiguredStore(
  settings: StoreSettings,
  options: Pick<SqliteStoreOptions, "integrityCheck"> = {},
): Promise<Store> {
  if (settings.config.store.backend === "postgres") {
    // Loaded only when configured: the Postgres driver (TLS, streams) must not slow every SQLite start.
    const { openPostgresStore } = await import("./postgres/postgres-store.ts");
    return openPostgresStore(postgresUrl(settings));
  }
  return openSqliteStore(sqliteStoreFile(settings.dataDir), options);
}
