// The real cargo on planted Rust fixtures, through detection, the none sandbox and the cargo
// parser: what the agent is shown names every planted problem with its file and line.
import assert from "node:assert/strict";
import { test } from "node:test";
import { missedProblems, runPlantedFixture } from "../planted-fixtures.ts";
import { rustClippyLint, rustCompileError, rustFailingTests } from "./rust-fixtures.ts";

const timeout = 300_000;

test("a planted type error is reported by the fast check with file:line and E0308", {
  skip: rustCompileError.unavailable(),
  timeout,
}, async () => {
  const { report } = await runPlantedFixture(rustCompileError, AbortSignal.timeout(timeout));
  assert.equal(report.passed, false);
  const [check] = report.results;
  assert.match(check?.name ?? "", /^(clippy|cargo-check)$/);
  assert.equal(check?.unparsed, false);
  assert.deepEqual(missedProblems(report, rustCompileError.planted), []);
  assert.match(report.summary, /src\/lib\.rs:10: E0308 mismatched types/);
  assert.match(report.summary, /expected `u32`, found `&str`/);
});

test("planted failing tests are each named with the file:line of their panic; the passing one is not", {
  skip: rustFailingTests.unavailable(),
  timeout,
}, async () => {
  const { report } = await runPlantedFixture(rustFailingTests, AbortSignal.timeout(timeout));
  const byName = new Map(report.results.map((result) => [result.name, result]));
  assert.equal(byName.get("cargo-test")?.passed, false);
  assert.equal(byName.get("cargo-test")?.unparsed, false);
  assert.ok([...byName.values()].filter((result) => result.name !== "cargo-test").every((r) => r.passed));
  assert.deepEqual(missedProblems(report, rustFailingTests.planted), []);
  assert.match(report.summary, /src\/lib\.rs:20: tests::subtracts/);
  // rustc before 1.73 quotes the values: left: `5`, right: `1`.
  assert.match(report.summary, /left: `?5`?, right: `?1`?/);
  assert.match(report.summary, /tests\/integration\.rs:3: subtracts_large_numbers/);
  assert.match(report.summary, /index out of bounds/);
  assert.doesNotMatch(report.summary, /tests::adds/);
});

test("a planted clippy lint is reported with its lint name", {
  skip: rustClippyLint.unavailable(),
  timeout,
}, async () => {
  const { report } = await runPlantedFixture(rustClippyLint, AbortSignal.timeout(timeout));
  const [check] = report.results;
  assert.equal(check?.name, "clippy");
  assert.equal(check?.passed, false);
  assert.deepEqual(missedProblems(report, rustClippyLint.planted), []);
  assert.match(
    report.summary,
    /src\/lib\.rs:10: clippy::approx_constant approximate value of `f\{32, 64\}::consts::PI`/,
  );
});
