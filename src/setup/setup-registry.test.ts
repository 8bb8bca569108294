import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { test } from "node:test";
import { setupDetectors } from "./setup-registry.ts";

test("every ecosystem folder under src/setup/ is registered, and nothing else", async () => {
  const entries = await readdir(import.meta.dirname, { withFileTypes: true });
  // snapshots/ keeps what setup produced between runs, caches/ its downloads; neither is an ecosystem.
  const folders = entries
    .filter((entry) => entry.isDirectory() && !["snapshots", "caches"].includes(entry.name))
    .map((entry) => entry.name);
  assert.deepEqual([...setupDetectors.keys()].sort(), folders.sort());
});
