// Test-only: a node:test suite over the real output of one Python fixture — the project is
// written and its tool run once before the suite, removed after it, and the suite is skipped with
// the reason when the tool is not installed.
import { after, before, describe } from "node:test";
import { removeProject } from "../verify-fixtures.ts";
import {
  capturePythonFixture,
  type PythonFixture,
  pythonToolRunner,
  writePythonFixture,
} from "./python-fixtures.ts";

/** Declare a suite called `title` whose `body` reads the fixture tool's output through `output()`. */
export function describeCaptured(
  title: string,
  fixture: PythonFixture,
  body: (output: () => string) => void,
): void {
  const runner = pythonToolRunner(fixture.tool);
  const skip = "skip" in runner ? runner.skip : undefined;
  describe(title, { skip }, () => {
    let root = "";
    let output = "";
    before(async () => {
      root = await writePythonFixture(fixture);
      const captured = await capturePythonFixture(fixture, root, runner);
      output = "output" in captured ? captured.output : "";
    });
    after(() => (root ? removeProject(root) : undefined));
    body(() => output);
  });
}
