// An older Node than the CLI needs gets one line saying so and how to fix it, exit 2 — not an
// import error from a module the entry point loads before it can check.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { slipwayBin } from "./helpers/cli.ts";

/** A node older than 24 on this machine (Debian's, say), or why there is none to try. */
function olderNode(): { path: string } | { skip: string } {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node", "/usr/bin/nodejs"]) {
    const probe = spawnSync(candidate, ["-p", "process.versions.node"], {
      encoding: "utf8",
      timeout: 10_000,
    });
    if (probe.status === 0 && Number(probe.stdout.split(".")[0]) < 24) return { path: candidate };
  }
  return { skip: "no Node.js older than 24 on this machine to start the CLI with" };
}

const older = olderNode();
if ("skip" in older) console.log(`# skipping the old-Node test: ${older.skip}`);

test("an older Node prints the version it needs and how to get it, and exits 2", {
  skip: "skip" in older ? older.skip : false,
}, () => {
  const node = (older as { path: string }).path;
  const result = spawnSync(node, [slipwayBin, "--help"], { encoding: "utf8", timeout: 30_000 });
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /^slipway: needs Node\.js 24 or newer, this is v\d+\..*npm install --prefix/);
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
});
