// Splitting declared command lines into argv without a shell.
import assert from "node:assert/strict";
import { test } from "node:test";
import { splitCommandLine } from "./command-line.ts";

test("splits words on whitespace", () => {
  assert.deepEqual(splitCommandLine("  npx  vitest run --reporter=dot "), [
    "npx",
    "vitest",
    "run",
    "--reporter=dot",
  ]);
});

test("keeps quoted text together and removes the quotes", () => {
  assert.deepEqual(splitCommandLine(`node --test --test-name-pattern="adds numbers" 'test/a b.test.js'`), [
    "node",
    "--test",
    "--test-name-pattern=adds numbers",
    "test/a b.test.js",
  ]);
});

test("honours backslash escapes outside quotes and inside double quotes", () => {
  assert.deepEqual(splitCommandLine(String.raw`echo a\ b "say \"hi\"" 'c\d'`), [
    "echo",
    "a b",
    'say "hi"',
    String.raw`c\d`,
  ]);
});

test("keeps an empty quoted argument", () => {
  assert.deepEqual(splitCommandLine(`prog "" x`), ["prog", "", "x"]);
});

test("refuses an unclosed quote", () => {
  assert.throws(() => splitCommandLine(`echo "oops`), /unclosed " quote/);
});

test("refuses unquoted shell operators but allows them quoted for sh -c", () => {
  assert.throws(() => splitCommandLine("npm test && npm run lint"), /"&&" needs a shell/);
  assert.throws(() => splitCommandLine("cargo test | tee log"), /"\|" needs a shell/);
  assert.deepEqual(splitCommandLine("sh -c 'npm test && npm run lint'"), [
    "sh",
    "-c",
    "npm test && npm run lint",
  ]);
});

test("refuses a leading variable assignment and an empty line", () => {
  assert.throws(() => splitCommandLine("CI=1 npm test"), /sets a variable/);
  assert.throws(() => splitCommandLine("   "), /empty/);
});
