import assert from "node:assert/strict";
import { test } from "node:test";
import { firstErrorLine, redactSecrets } from "./setup-cause.ts";

test("npm's cause line skips the code and log framing", () => {
  const output = [
    "npm error code EUSAGE",
    "npm error",
    "npm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.",
    "npm error A complete log of this run can be found in: /tmp/x.log",
  ].join("\n");
  assert.equal(
    firstErrorLine(output),
    "npm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.",
  );
});

test("pip, cargo and Maven error lines are found past their progress output", () => {
  assert.equal(
    firstErrorLine("Collecting nope\nERROR: Could not find a version that satisfies the requirement nope\n"),
    "ERROR: Could not find a version that satisfies the requirement nope",
  );
  assert.equal(
    firstErrorLine("    Updating crates.io index\nerror: failed to get `serde` as a dependency\n"),
    "error: failed to get `serde` as a dependency",
  );
  assert.equal(
    firstErrorLine("[INFO] Scanning\n[ERROR] Failed to execute goal on project x\n[ERROR] more"),
    "[ERROR] Failed to execute goal on project x",
  );
});

test("unknown output falls back to a line mentioning an error, then the last line", () => {
  assert.equal(firstErrorLine("step 1\nsomething failed here\nbye\n"), "something failed here");
  assert.equal(firstErrorLine("step 1\nbye\n\n"), "bye");
  assert.equal(firstErrorLine(""), undefined);
});

test("secret values are blanked wherever they appear", () => {
  assert.equal(redactSecrets("token=abcd1234 and abcd1234", ["abcd1234"]), "token=*** and ***");
  assert.equal(redactSecrets("abc", ["ab"]), "abc");
});

test("corepack's failures to provide a pinned package manager say what to do", () => {
  const unsigned =
    "Adding pnpm@10.33.0 to the cache...\nInternal Error: No compatible signature found in package metadata\n    at verifySignature (corepack.cjs:1:1)\n";
  assert.match(
    firstErrorLine(unsigned)!,
    /^Internal Error: No compatible signature found.* — .*pin the hash in packageManager/,
  );
  const mismatch = "Internal Error: Mismatch hashes. Expected abc, got def\n    at x\n";
  assert.match(
    firstErrorLine(mismatch)!,
    /Mismatch hashes.* — .*does not match the hash packageManager pins/,
  );
  assert.match(
    firstErrorLine("could not start corepack: spawn corepack ENOENT\n")!,
    /npm install -g corepack/,
  );
  assert.equal(
    firstErrorLine("ERROR: No matching distribution found for x\n"),
    "ERROR: No matching distribution found for x",
  );
});
