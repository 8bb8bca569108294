// The fixtures' temp directories go when the test process that made them exits (a suite run left
// a few hundred megabytes in /tmp), unless SLIPWAY_KEEP_TEST_DIRS=1 keeps them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { test } from "node:test";

const fixture = new URL("./git-fixture.ts", import.meta.url).href;
const script = `import { tempDir, writeFiles } from ${JSON.stringify(fixture)};
const directory = tempDir("cleanup");
writeFiles(directory, { "a/b.txt": "x" });
console.log(directory);`;

/** Made by a child test process that then exits: the directory's path. */
function madeByChild(env: Record<string, string>): string {
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout.trim();
}

test("a temp directory with files in it is gone once its test process exits", () => {
  const directory = madeByChild({ SLIPWAY_KEEP_TEST_DIRS: "" });
  assert.match(directory, /slipway-cleanup-/);
  assert.equal(existsSync(directory), false);
});

test("SLIPWAY_KEEP_TEST_DIRS=1 keeps it to look at", () => {
  const directory = madeByChild({ SLIPWAY_KEEP_TEST_DIRS: "1" });
  try {
    assert.equal(existsSync(`${directory}/a/b.txt`), true);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
