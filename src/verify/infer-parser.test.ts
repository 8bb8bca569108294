// Which parser reads a command line: one named tool's own, `auto` for wrappers and chains (the
// output says which tools ran), `generic` for a command nothing is known about.
import assert from "node:assert/strict";
import { test } from "node:test";
import { inferParser, inferParserOrAuto } from "./infer-parser.ts";

test("a line that runs one known tool gets that tool's parser, whatever coverage wrapper is around it", () => {
  const cases: [string, string][] = [
    ["vitest run", "vitest"],
    ["c8 node --test", "node-test"],
    ["nyc --reporter=lcov mocha 'test/**/*.js'", "mocha"],
    ["mocha --reporter tap", "mocha"],
    ["node --test --test-reporter tap", "node-test"],
    ["c8 ava", "ava"],
    ["tap", "node-tap"],
    ["tap test/*.js", "node-tap"],
    ["tape test/*.js", "tap"],
    ["ava --tap", "ava"],
    ["ctest --output-on-failure", "ctest"],
    ["cmake --build build", "cmake"],
    ["gcc -Wall -Werror -c main.c", "gcc"],
    ["./node_modules/.bin/jest --ci", "jest"],
    ["pnpm exec vitest run", "vitest"],
    ["yarn jest", "jest"],
  ];
  for (const [line, parser] of cases) assert.equal(inferParser(line), parser, line);
});

test("wrappers and chains of tools are read by auto: the runner is recognised from the output", () => {
  const cases = [
    "ts-scripts test",
    "npm-run-all lint test:*",
    "run-s build test",
    "run-p test:*",
    "npm run test:unit && npm run test:e2e",
    "pnpm -r test",
    "yarn test:unit",
    "turbo run test",
    "c8 npm test",
    "tsc --noEmit && vitest run",
    "eslint . && jest",
    "make check",
    "./scripts/test.sh",
    "bash ci/run-tests",
  ];
  for (const line of cases) assert.equal(inferParser(line), "auto", line);
});

test("a command nothing is known about stays generic; inferParserOrAuto lets its output decide", () => {
  for (const line of ["vite build", "npx playwright test", "echo hi"]) {
    assert.equal(inferParser(line), "generic", line);
    assert.equal(inferParserOrAuto(line), "auto", line);
  }
  assert.equal(inferParserOrAuto("vitest run"), "vitest");
});
