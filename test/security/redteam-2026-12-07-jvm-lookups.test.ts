// Red team of 2026-12-07: a hostile repository's tests print thousands of Gradle failures, each
// naming a different missing test class; naming JVM tests at file:line looked each one up in 64
// module folders × 13 source roots on the host, synchronously (4 MiB of output: over ten minutes
// with the worker's event loop frozen). The lookups are now bounded per check, found or not.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { toVerifierResult } from "../../src/verify/run-verifiers.ts";

const root = mkdtempSync(path.join(tmpdir(), "slipway-redteam-jvm-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("many failures naming missing test files stop being looked up: a later real one stays unnamed, a seen one is still named", () => {
  // The checkout: 64 module folders (the most looked in), and two real test files.
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) mkdirSync(path.join(root, `m${i}`, `s${j}`), { recursive: true });
  for (const name of ["FirstTest", "LateTest"]) {
    mkdirSync(path.join(root, "src/test/java/a"), { recursive: true });
    writeFileSync(path.join(root, `src/test/java/a/${name}.java`), "class X {}\n");
  }
  const failure = (test: string, file: string, method = "t") =>
    `a.${test} > ${method} FAILED\n    java.lang.AssertionError at ${file}:7\n`;
  let output = failure("FirstTest", "FirstTest.java");
  for (let n = 0; n < 200; n++) output += failure(`Missing${n}`, `Missing${n}.java`);
  output += failure("FirstTest", "FirstTest.java", "u") + failure("LateTest", "LateTest.java");
  const command = {
    name: "gradle",
    command: "gradle",
    args: ["test"],
    cwd: ".",
    parser: "gradle",
    speeds: ["full" as const],
    timeoutMs: 60_000,
  };
  const result = toVerifierResult(
    command,
    { exitCode: 1, signal: null, output, timedOut: false, truncated: false, durationMs: 1 },
    [root],
  );
  const named = result.findings.filter((finding) => finding.file !== undefined);
  const late = result.findings.find((finding) => finding.test === "a.LateTest > t");
  assert.equal(late?.file, undefined, "LateTest is reported, unnamed");
  // Before the bound, all 203 were looked up (and LateTest named too): 10 ms each here, a 4 MiB
  // output ~100,000 of them. Now at most 50 distinct files are looked for per check.
  assert.deepEqual(
    named.map((finding) => `${finding.test} ${finding.file}:${finding.line}`),
    ["a.FirstTest > t src/test/java/a/FirstTest.java:7", "a.FirstTest > u src/test/java/a/FirstTest.java:7"],
  );
});
