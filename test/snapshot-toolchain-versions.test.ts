// The snapshot key's toolchain versions: a program is asked once and its answer reused while the
// installed program is the same file, asked again once it is replaced (an upgrade changes the key).
import assert from "node:assert/strict";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { tempDirectory } from "../src/sandbox/sandbox.contract.ts";
import { versionsOf } from "../src/setup/snapshots/toolchain-versions.ts";

const bin = tempDirectory("toolchain-bin");
const dataDir = tempDirectory("toolchain-data");
const calls = path.join(bin, "calls");
const savedPath = process.env.PATH;
after(() => {
  process.env.PATH = savedPath;
  for (const directory of [bin, dataDir]) rmSync(directory, { recursive: true, force: true });
});

/** Install `fake-npm` printing `version`; every call appends a line to `calls`. */
function install(version: string): void {
  const program = path.join(bin, "fake-npm");
  rmSync(program, { force: true });
  writeFileSync(program, `#!/bin/sh\necho call >> ${calls}\necho ${version}\n`);
  chmodSync(program, 0o755);
}

const callCount = () => readFileSync(calls, "utf8").split("\n").filter(Boolean).length;

test("a toolchain's version is asked once per installed program and again after it is replaced", async () => {
  process.env.PATH = `${bin}:${savedPath}`;
  install("10.1.0");
  const argvs = [
    ["fake-npm", "--version"],
    ["slipway-no-such-program", "--version"],
  ];
  assert.deepEqual(await versionsOf(argvs, dataDir), ["10.1.0", "absent"]);
  assert.deepEqual(await versionsOf(argvs, dataDir), ["10.1.0", "absent"]);
  assert.equal(callCount(), 1, "the second key reused the answer");

  install("11.0.10");
  assert.deepEqual(await versionsOf(argvs, dataDir), ["11.0.10", "absent"]);
  assert.equal(callCount(), 2, "a replaced program is asked again");

  // Without a data directory nothing is remembered.
  assert.deepEqual(await versionsOf(argvs), ["11.0.10", "absent"]);
  assert.equal(callCount(), 3);
});
