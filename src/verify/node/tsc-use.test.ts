// tscUse on package.json shapes: when tsc --noEmit is a check the project itself would run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tscUse } from "./tsc-use.ts";

test("a package inside node_modules never gets tsc, whatever its scripts say", () => {
  assert.deepEqual(tscUse("vendor/node_modules/lib", { scripts: { build: "tsc" } }), {
    runs: false,
    why: "it is inside node_modules",
  });
});

test("tsc after npx or && counts; vue-tsc and a tsc-alias path do not", () => {
  assert.equal(tscUse(".", { scripts: { build: "npm run clean && npx tsc" } }).runs, true);
  assert.equal(tscUse(".", { scripts: { build: "vue-tsc && vite build" } }).runs, false);
  assert.equal(tscUse(".", { scripts: { build: "tsc-alias -p tsconfig.json" } }).runs, false);
});

test("tsc -b anywhere in the scripts is build mode, even beside a plain tsc", () => {
  assert.equal(tscUse(".", { scripts: { build: "tsc -b", watch: "tsc -w" } }).runs, false);
});
