// Test and benchmark helpers: small Node projects with planted problems (failing tests for each
// test runner, a lint error for ESLint and Biome, a type error for tsc, a monorepo), as planted
// fixtures with Slipway's own copies of the tools linked into node_modules/.bin. Line numbers in
// `planted` are those of the files below.
import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import type { PlantedFixture, PlantedProblem } from "../planted-fixtures.ts";
import {
  linkTypescript,
  makeProject,
  missingProgram,
  nestedTestFile,
  simpleTestFile,
} from "../verify-fixtures.ts";

/** Tools Slipway has as devDependencies, linked into a fixture's node_modules/.bin. */
export const nodeTools = ["vitest", "jest", "mocha", "eslint", "biome", "tsc"] as const;
export type NodeTool = (typeof nodeTools)[number];

const slipwayBin = path.resolve(import.meta.dirname, "../../../node_modules/.bin");

/** Make `root/node_modules/.bin/<tool>` Slipway's own copy of the tool, as installing it would. */
export async function linkNodeTool(root: string, tool: NodeTool): Promise<void> {
  if (tool === "tsc") return linkTypescript(root);
  await mkdir(path.join(root, "node_modules", ".bin"), { recursive: true });
  await symlink(path.join(slipwayBin, tool), path.join(root, "node_modules", ".bin", tool));
}

/** A fixture whose scripts run with npm and whose `tools` are linked in before detection. */
function nodeFixture(
  fixture: Omit<PlantedFixture, "speed" | "prepare" | "unavailable">,
  tools: NodeTool[],
): PlantedFixture {
  return {
    ...fixture,
    speed: "full",
    prepare: async (root) => {
      for (const tool of tools) await linkNodeTool(root, tool);
    },
    unavailable: () => missingProgram("npm"),
  };
}

/** The full names of a fixture's planted failing tests, as the parsers name them. */
export function failingTestNames(fixture: PlantedFixture): string[] {
  return fixture.planted.flatMap((problem) =>
    problem.kind === "test" && problem.test ? [problem.test] : [],
  );
}

/** A test file for `runner` with one passing and three failing tests; failures on lines 7, 11 and 16. */
function mathTests(runner: "vitest" | "jest" | "mocha"): string {
  const header = {
    vitest: 'import { describe, expect, test } from "vitest";',
    jest: "// Jest provides describe, test and expect as globals.",
    mocha: 'import assert from "node:assert/strict";',
  }[runner];
  const check =
    runner === "mocha"
      ? {
          equal: "assert.equal(2 - 1, 3);",
          deep: "assert.deepEqual({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] });",
        }
      : {
          equal: "expect(2 - 1).toBe(3);",
          deep: "expect({ a: 1, b: [1, 2] }).toEqual({ a: 1, b: [1, 3] });",
        };
  const it = runner === "mocha" ? "it" : "test";
  const pass = runner === "mocha" ? "assert.equal(1 + 1, 2);" : "expect(1 + 1).toBe(2);";
  return [
    header,
    'describe("math", () => {',
    `  ${it}("adds numbers", () => {`,
    `    ${pass}`,
    "  });",
    `  ${it}("subtracts numbers", () => {`,
    `    ${check.equal}`,
    "  });",
    '  describe("nested", () => {',
    `    ${it}("multiplies", () => {`,
    `      ${check.deep}`,
    "    });",
    "  });",
    "});",
    `${it}("top level throws", () => {`,
    '  throw new TypeError("boom went the test");',
    "});",
    "",
  ].join("\n");
}

/** The failing tests of `mathTests`, in `file`; Mocha's TAP names them without separators. */
function mathFailures(file: string, separator = " > "): PlantedProblem[] {
  return [
    { kind: "test", test: ["math", "subtracts numbers"].join(separator), file, line: 7 },
    { kind: "test", test: ["math", "nested", "multiplies"].join(separator), file, line: 11 },
    { kind: "test", test: "top level throws", file, line: 16 },
  ];
}

const packageJson = (scripts: Record<string, string>, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ name: "fixture", private: true, type: "module", scripts, ...extra }, null, 2)}\n`;

export function vitestFixture(reporter?: "tap"): PlantedFixture {
  const script = reporter ? `vitest run --reporter=${reporter}` : "vitest run";
  return nodeFixture(
    {
      name: reporter ? "vitest-tap-failing-tests" : "vitest-failing-tests",
      description: "three failing Vitest tests in nested suites and a test file that does not compile",
      files: {
        "package.json": packageJson({ test: script }),
        "test/math.test.js": mathTests("vitest"),
        "test/broken.test.js": 'import { test } from "vitest";\nthis is ( not javascript\n',
      },
      planted: [
        ...mathFailures("test/math.test.js"),
        { kind: "test", test: "test/broken.test.js", file: "test/broken.test.js" },
      ],
    },
    ["vitest"],
  );
}

/** `count` tests, most failing, with long names: the summary must shorten everything but the names. */
export function vitestManyFailuresFixture(count: number): PlantedFixture {
  const suite = "invoice totals round every line with discounts and taxes across currencies";
  const body = [
    'import { describe, expect, test } from "vitest";',
    `describe("${suite}", () => {`,
    `  test.each(Array.from({ length: ${count} }, (_, line) => line))("line %i keeps its cents", (line) => {`,
    "    expect(Math.floor((line * 100) / 3)).toBe(line * 33);",
    "  });",
    "});",
    "",
  ].join("\n");
  const failing = Array.from({ length: count }, (_, line) => line).filter(
    (line) => Math.floor((line * 100) / 3) !== line * 33,
  );
  return nodeFixture(
    {
      name: "vitest-many-failing-tests",
      description: `${failing.length} failing parametrized Vitest tests with long names`,
      files: { "package.json": packageJson({ test: "vitest run" }), "test/invoice.test.js": body },
      planted: failing.map((line) => ({
        kind: "test",
        test: `${suite} > line ${line} keeps its cents`,
        file: "test/invoice.test.js",
        line: 4,
      })),
    },
    ["vitest"],
  );
}

export function jestFixture(): PlantedFixture {
  return nodeFixture(
    {
      name: "jest-failing-tests",
      description: "three failing Jest tests in nested describes and a test file that does not parse",
      files: {
        "package.json": packageJson({ test: "jest" }, { type: "commonjs" }),
        "test/math.test.js": mathTests("jest"),
        "test/ok.test.js": 'test("fine", () => expect(1).toBe(1));\n',
        "test/broken.test.js": "this is ( not javascript\n",
      },
      planted: [
        ...mathFailures("test/math.test.js"),
        { kind: "test", test: "test/broken.test.js", file: "test/broken.test.js", line: 1 },
      ],
    },
    ["jest"],
  );
}

const hookedSuite = [
  'describe("hooked", () => {',
  '  before(() => { throw new Error("hook broke"); });',
  '  it("never runs", () => {});',
  "});",
  "",
].join("\n");

export function mochaFixture(reporter?: "tap"): PlantedFixture {
  const separator = reporter ? " " : " > ";
  const hook = ["hooked", '"before all" hook for "never runs"'].join(separator);
  return nodeFixture(
    {
      name: reporter ? "mocha-tap-failing-tests" : "mocha-failing-tests",
      description: "three failing Mocha tests in nested suites and a failing before hook",
      files: {
        "package.json": packageJson({ test: reporter ? `mocha --reporter ${reporter}` : "mocha" }),
        "test/math.spec.js": mathTests("mocha"),
        "test/hooked.spec.js": hookedSuite,
      },
      planted: [
        ...mathFailures("test/math.spec.js", separator),
        { kind: "test", test: hook, file: "test/hooked.spec.js", line: 2 },
      ],
    },
    ["mocha"],
  );
}

export function nodeTestFixture(): PlantedFixture {
  return nodeFixture(
    {
      name: "node-test-failing-tests",
      description: "two failing node:test tests, one two suites deep",
      files: {
        "package.json": packageJson({ test: "node --test" }),
        "test/simple.test.js": simpleTestFile,
        "test/nested.test.js": nestedTestFile,
      },
      planted: [
        { kind: "test", test: "subtracts numbers", file: "test/simple.test.js", line: 5 },
        {
          kind: "test",
          test: "slugify > with accents > strips diacritics",
          file: "test/nested.test.js",
          line: 6,
        },
      ],
    },
    [],
  );
}

export const eslintConfig = [
  "export default [",
  '  { files: ["**/*.js"], rules: { "no-unused-vars": "error", eqeqeq: "error", "no-console": "warn" } },',
  "];",
  "",
].join("\n");

const lintedModule = [
  "const unused = 1;",
  "export function same(a, b) {",
  '  console.log("comparing");',
  "  return a == b;",
  "}",
  "",
].join("\n");

/** ESLint configured but run by no script: Slipway runs it itself. */
export function eslintFixture(): PlantedFixture {
  return nodeFixture(
    {
      name: "eslint-lint-errors",
      description: "an unused variable and == under an ESLint config no script runs",
      files: {
        "package.json": packageJson({}),
        "eslint.config.js": eslintConfig,
        "src/same.js": lintedModule,
      },
      planted: [
        { kind: "lint", file: "src/same.js", line: 1, rule: "no-unused-vars" },
        { kind: "lint", file: "src/same.js", line: 4, rule: "eqeqeq" },
      ],
    },
    ["eslint"],
  );
}

/** Biome configured (biome.json) and run by no script: Slipway runs `biome check` itself. */
export function biomeFixture(): PlantedFixture {
  return nodeFixture(
    {
      name: "biome-lint-error",
      description: "== under a biome.json no script runs",
      files: {
        "package.json": packageJson({}),
        "biome.json": '{ "formatter": { "enabled": false } }\n',
        "src/same.js": ["export function same(a, b) {", "  return a == b;", "}", ""].join("\n"),
      },
      planted: [{ kind: "lint", file: "src/same.js", line: 2, rule: "lint/suspicious/noDoubleEquals" }],
    },
    ["biome"],
  );
}

/** A tsconfig.json and no typecheck script: Slipway runs `tsc --noEmit` itself. */
export function tscFixture(): PlantedFixture {
  return nodeFixture(
    {
      name: "tsc-type-errors",
      description: "a string assigned to a number and a misspelt property, no typecheck script",
      files: {
        "package.json": packageJson({}, { devDependencies: { typescript: "^5" } }),
        "tsconfig.json": JSON.stringify({
          compilerOptions: { strict: true, noEmit: true },
          include: ["src"],
        }),
        "src/count.ts":
          'export const count: number = "three";\n\nexport const size = (text: string): number => text.lenght;\n',
      },
      planted: [
        { kind: "type", file: "src/count.ts", line: 1, rule: "TS2322" },
        { kind: "type", file: "src/count.ts", line: 3, rule: "TS2551" },
      ],
    },
    ["tsc"],
  );
}

/** npm workspaces: a Vitest package and a Jest package, each checked in its own directory. */
export function workspacesFixture(): PlantedFixture {
  return nodeFixture(
    {
      name: "npm-workspaces-failing-tests",
      description: "failing tests in a Vitest and a Jest workspace package; the root script delegates",
      files: {
        "package.json": packageJson({ test: "npm run test --workspaces" }, { workspaces: ["packages/*"] }),
        "packages/api/package.json": packageJson({ test: "vitest run" }, { name: "api" }),
        "packages/api/test/math.test.js": mathTests("vitest"),
        "packages/web/package.json": packageJson({ test: "jest" }, { name: "web", type: "commonjs" }),
        "packages/web/test/math.test.js": mathTests("jest"),
      },
      planted: [
        ...mathFailures("packages/api/test/math.test.js"),
        ...mathFailures("packages/web/test/math.test.js"),
      ],
    },
    ["vitest", "jest"],
  );
}

/** Every Node fixture, for tests and the benchmark over the whole corpus. */
export function nodeFixtures(): PlantedFixture[] {
  return [
    nodeTestFixture(),
    vitestFixture(),
    vitestFixture("tap"),
    vitestManyFailuresFixture(150),
    jestFixture(),
    mochaFixture(),
    mochaFixture("tap"),
    eslintFixture(),
    biomeFixture(),
    tscFixture(),
    workspacesFixture(),
  ];
}

/** Write `fixture` into a fresh temp directory with its tools linked in; remove it with removeProject. */
export async function writeNodeFixture(fixture: PlantedFixture): Promise<string> {
  const root = await makeProject(fixture.files);
  await fixture.prepare?.(root);
  return root;
}
