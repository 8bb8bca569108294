// The AVA parser on AVA 6's default reporter, recorded from a real run (fixtures/ava/).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { parseAvaOutput } from "./ava-parser.ts";

const output = await readFile(path.join(import.meta.dirname, "fixtures/ava/ava6-default.txt"), "utf8");

test("each failed AVA test with its title, file:line and what failed; the passing one is absent", () => {
  assert.deepEqual(
    parseAvaOutput(output).map(({ test: name, file, line, message }) => [name, file, line, message]),
    [
      ["math › adds numbers", "avatest/math.test.mjs", 3, "expected 3, actual 2"],
      ["math › compares objects", "avatest/math.test.mjs", 6, "objects differ"],
      ["math › throws inside", "/tmp/h4-js/avatest/math.test.mjs", 9, "TypeError: kaboom"],
      ["other › greets", "avatest/other.test.mjs", 3, "Value must match expression: 'hello world'"],
    ],
  );
});

test("AVA's difference block is the context, actual and expected the right way round", () => {
  const [adds, objects] = parseAvaOutput(output);
  assert.equal(adds!.context, "- 2\n+ 3");
  assert.match(objects!.context ?? "", /^-\s+2,\n\+\s+3,$/m);
});

test("output with no failed AVA test gives no findings", () => {
  assert.deepEqual(parseAvaOutput("\n  ✔ passes\n  ─\n\n  1 test passed\n"), []);
});
