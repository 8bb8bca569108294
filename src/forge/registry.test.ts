// The forge registry matches the folders: every folder with a `<name>-forge.ts` is registered under
// that name, and every registered forge has its folder.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ForgeConfig } from "../config/config-schema.ts";
import { ConfigError } from "../core/errors.ts";
import { forgeFactories, openForge } from "./registry.ts";

const forgeDir = fileURLToPath(new URL("./", import.meta.url));

test("the registry lists exactly the forge folders", () => {
  const folders = readdirSync(forgeDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${forgeDir}${entry.name}/${entry.name}-forge.ts`))
    .map((entry) => entry.name)
    .sort();
  assert.deepEqual([...forgeFactories.keys()].sort(), folders);
});

test("an unknown forge.type is a configuration error naming the known ones", async () => {
  const settings = ForgeConfig.parse({ type: "gitea" });
  await assert.rejects(
    // The store is never reached: the type is checked first.
    openForge({ settings, source: "/repo", store: undefined as never, env: {} }),
    (error: unknown) =>
      error instanceof ConfigError && /forge.type "gitea" is unknown: use one of local/.test(error.message),
  );
});
