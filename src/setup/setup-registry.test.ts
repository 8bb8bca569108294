import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { test } from "node:test";
import { setupDetectors } from "./setup-registry.ts";

test("every ecosystem folder under src/setup/ is registered, and nothing else", async () => {
  const entries = await readdir(import.meta.dirname, { withFileTypes: true });
  // snapshots/ keeps what setup produced between runs; it is no ecosystem.
  const folders = entries
    .filter((entry) => entry.isDirectory() && entry.name !== "snapshots")
    .map((entry) => entry.name);
  assert.deepEqual([...setupDetectors.keys()].sort(), folders.sort());
});
