// The `if:` conditions the gate can evaluate: runner.os and picked matrix values, compared or
// prefix-tested; everything else is unknown and keeps the step.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { mayRun } from "./workflow-condition.ts";

const scope = { matrix: { os: "ubuntu-latest", node: "20" } };

describe("mayRun", () => {
  const cases: [string, boolean][] = [
    ["runner.os == 'Windows'", false],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
    ["${{ runner.os == 'linux' }}", true],
    ["runner.os != 'Linux'", false],
    ["matrix.os == 'windows-latest'", false],
    ["matrix.node == '20'", true],
    ["startsWith(matrix.os, 'macos')", false],
    ["!startsWith(matrix.os, 'windows')", true],
    ["github.event_name == 'push'", true],
    ["matrix.unknown == 'x'", true],
    ["success() && runner.os == 'Windows'", true],
  ];
  for (const [condition, expected] of cases) {
    test(`${condition} → ${expected}`, () => assert.equal(mayRun(condition, scope), expected));
  }

  test("a step without a condition, or with a non-string one, may run", () => {
    assert.equal(mayRun(undefined, scope), true);
    assert.equal(mayRun(false, scope), true);
  });
});
