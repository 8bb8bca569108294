// The store registry: store.backend picks SQLite (a file in the data directory) or Postgres (the URL in
// the variable store.urlEnv names); a missing or wrong variable is one clear ConfigError.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { SlipwayConfig } from "../config/config-schema.ts";
import { openConfiguredStore, sqliteStoreFile, storeExists } from "./open-store.ts";

test("the default backend is SQLite in the data directory, created on first open", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "slipway-open-store-"));
  try {
    const settings = { config: SlipwayConfig.parse({}), dataDir, env: {} };
    assert.equal(settings.config.store.backend, "sqlite");
    assert.equal(storeExists(settings), false);
    const store = await openConfiguredStore(settings);
    assert.equal(await store.countRuns(), 0);
    await store.close();
    assert.ok(existsSync(sqliteStoreFile(dataDir)));
    assert.equal(storeExists(settings), true);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test("postgres without its URL variable, or with a URL that is not postgres://, is a ConfigError naming the variable", async () => {
  const config = SlipwayConfig.parse({ store: { backend: "postgres", urlEnv: "MY_DB_URL" } });
  for (const env of [{}, { MY_DB_URL: "mysql://db.example/slipway" }]) {
    await assert.rejects(openConfiguredStore({ config, dataDir: "/nonexistent", env }), (error: Error) => {
      assert.equal(error.name, "ConfigError");
      assert.match(error.message, /MY_DB_URL \(store\.urlEnv\)/);
      return true;
    });
  }
  assert.throws(() => SlipwayConfig.parse({ store: { backend: "postgres", urlEnv: "postgres://u:p@h/db" } }));
});
