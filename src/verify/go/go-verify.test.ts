// The real go command on planted Go fixtures, through detection, the none sandbox and the go
// parsers: what the agent is shown names every planted problem.
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import {
  missedProblems,
  type PlantedFixture,
  type PlantedRun,
  runPlantedFixture,
} from "../planted-fixtures.ts";
import { removeProject } from "../verify-fixtures.ts";
import { goCompileError, goFailingTests, goVetError } from "./go-fixtures.ts";

const timeout = 300_000;
// One build cache for the three runs: each sandbox's HOME is new, and a cold cache rebuilds the
// standard library's packages for vet and test every time.
let goCache = "";
before(async () => {
  goCache = await mkdtemp(path.join(tmpdir(), "slipway-go-cache-"));
});
after(async () => {
  await removeProject(goCache);
});

function run(fixture: PlantedFixture): Promise<PlantedRun> {
  return runPlantedFixture(fixture, AbortSignal.timeout(timeout), { environment: { GOCACHE: goCache } });
}

test("a planted compile error fails go build (and go vet) with file:line", {
  skip: goCompileError.unavailable(),
  timeout,
}, async () => {
  const { report } = await run(goCompileError);
  const build = report.results.find((result) => result.name === "go-build");
  assert.equal(build?.passed, false);
  assert.equal(build?.unparsed, false);
  assert.deepEqual(missedProblems(report, goCompileError.planted), []);
  assert.match(report.summary, /calc\/calc\.go:8: cannot use "12" \(untyped string constant\) as int value/);
});

test("a planted Printf mistake passes go build and fails go vet as a lint finding", {
  skip: goVetError.unavailable(),
  timeout,
}, async () => {
  const { report } = await run(goVetError);
  const byName = new Map(report.results.map((result) => [result.name, result]));
  assert.equal(byName.get("go-build")?.passed, true);
  assert.equal(byName.get("go-vet")?.passed, false);
  assert.deepEqual(missedProblems(report, goVetError.planted), []);
  assert.match(report.summary, /calc\/format\.go:6: fmt\.Sprintf format %s reads arg #2, but call has 1 arg/);
});

test("planted failing tests, subtests and a panic are each named with their package; the passing test is not", {
  skip: goFailingTests.unavailable(),
  timeout,
}, async () => {
  const { report } = await run(goFailingTests);
  const goTest = report.results.find((result) => result.name === "go-test");
  assert.equal(goTest?.passed, false);
  assert.equal(goTest?.unparsed, false);
  assert.deepEqual(missedProblems(report, goFailingTests.planted), []);
  // Go 1.19 prints only `calc_test.go:13`; go.mod's module path places it in calc/.
  assert.match(
    report.summary,
    /calc\/calc_test\.go:13: example\.com\/fixture\/calc\.TestSubtract\n\s+Subtract\(3, 2\) = 5, want 1/,
  );
  assert.match(report.summary, /got 2; want 0/);
  assert.match(
    report.summary,
    /calc\/calc_test\.go:36: example\.com\/fixture\/calc\.TestCounts\n\s+panic: assignment to entry in nil map/,
  );
  assert.doesNotMatch(report.summary, /TestAdd/);
  // The parent of failing subtests is not a failure of its own.
  assert.doesNotMatch(report.summary, /TestSubtractTable\n/);
});
