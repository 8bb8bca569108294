// Test runners behind a wrapper script: each Node fixture's test script moved under `test:inner`
// and run through `npm run test:inner`, so the command line names no runner. The `auto` parser
// must find the same planted failing tests, from the output alone, with the real tools.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { inferParser } from "../infer-parser.ts";
import { jestFixture, mochaFixture, nodeTestFixture, vitestFixture } from "../node/node-fixtures.ts";
import { missedProblems, type PlantedFixture, runPlantedFixture } from "../planted-fixtures.ts";

const wrapper = "npm run test:inner";

/** `fixture` with its test script behind `npm run test:inner`. */
function wrapped(fixture: PlantedFixture): PlantedFixture {
  const manifest = JSON.parse(fixture.files["package.json"]!) as { scripts: Record<string, string> };
  const scripts = { test: wrapper, "test:inner": manifest.scripts.test! };
  return {
    ...fixture,
    files: { ...fixture.files, "package.json": JSON.stringify({ ...manifest, scripts }) },
  };
}

describe("runners behind a wrapper script, recognised from their output", { concurrency: 2 }, () => {
  test("the wrapper's command line names no runner, so auto reads it", () => {
    assert.equal(inferParser(wrapper), "auto");
  });

  for (const fixture of [vitestFixture(), jestFixture(), mochaFixture(), nodeTestFixture()].map(wrapped)) {
    test(`${fixture.name}: every planted failing test is named at its file`, {
      skip: fixture.unavailable(),
    }, async () => {
      const { report, notes } = await runPlantedFixture(fixture, AbortSignal.timeout(180_000));
      const failed = report.results.filter((result) => !result.passed);
      assert.deepEqual(
        failed.filter((result) => result.unparsed).map((result) => result.summary),
        [],
        `${report.summary}\n${notes.join("\n")}`,
      );
      const tests = fixture.planted.filter((problem) => problem.kind === "test");
      assert.deepEqual(missedProblems(report, tests), [], report.summary);
    });
  }
});
