// Node detection beyond the basics in detect.test.ts: script aliases, watch mode, ESLint and Biome
// without a script, and monorepo workspaces (npm, yarn, pnpm) checked per package.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { detectVerifiers } from "../detect.ts";
import { useTempDirectories } from "../temp-directories.ts";
import type { VerifierCommand } from "../verifier.ts";
import { linkTypescript } from "../verify-fixtures.ts";
import { linkNodeTool } from "./node-fixtures.ts";
import { maxWorkspacePackages } from "./workspaces.ts";

/** A temp directory holding `files`, removed after the test. */
const project = useTempDirectories();

const manifest = (scripts: Record<string, string>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ name: "fixture", scripts, ...extra });

const brief = (commands: VerifierCommand[]) =>
  commands.map(({ name, command, args, cwd, parser }) => ({ name, command, args, cwd, parser }));

describe("node scripts", () => {
  test("a type-check script stands in for typecheck, and the note says which script runs", async () => {
    const root = await project({
      "package.json": manifest({ "type-check": "tsc --noEmit" }),
      "tsconfig.json": "{}",
    });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(brief(commands), [
      { name: "typecheck", command: "npm", args: ["run", "type-check"], cwd: ".", parser: "tsc" },
    ]);
    assert.ok(notes.includes("node: typecheck runs the type-check script"), notes.join("\n"));
  });

  test("scripts name their parser by the tool they run", async () => {
    const root = await project({
      "package.json": manifest({ lint: "biome check .", test: "vitest run", build: "tsc -b" }),
    });
    const parsers = (await detectVerifiers(root)).commands.map(({ name, parser }) => [name, parser]);
    assert.deepEqual(parsers, [
      ["lint", "biome"],
      ["test", "vitest"],
      ["build", "tsc"],
    ]);
  });

  const tscCases: [string, Record<string, unknown>, boolean, string][] = [
    [
      "no script runs tsc and typescript is no dependency",
      { scripts: { test: "node --test" } },
      false,
      "no script runs tsc and typescript is not a dependency",
    ],
    [
      "the build runs tsc --build",
      { scripts: { build: "tsc --build" }, devDependencies: { typescript: "^5" } },
      false,
      "its scripts type-check with tsc --build",
    ],
    ["a build script runs tsc", { scripts: { build: "rimraf dist && tsc -p ." } }, true, "a script runs tsc"],
    [
      "typescript is a devDependency",
      { scripts: {}, devDependencies: { typescript: "^5" } },
      true,
      "typescript is a dependency",
    ],
  ];
  for (const [when, json, runs, why] of tscCases) {
    test(`a tsconfig.json gets tsc --noEmit only when the project type-checks with tsc: ${when}`, async () => {
      const root = await project({
        "package.json": JSON.stringify({ name: "fixture", ...json }),
        "tsconfig.json": "{}",
      });
      await linkTypescript(root);
      const { commands, notes } = await detectVerifiers(root);
      const typecheck = commands.find((command) => command.name === "typecheck");
      assert.equal(typecheck?.args.join(" "), runs ? "--noEmit --pretty false" : undefined);
      assert.ok(
        notes.some((note) => note.includes(why)),
        notes.join("\n"),
      );
    });
  }

  test("a check:type script is the typecheck", async () => {
    const root = await project({
      "package.json": manifest({ "check:type": "tsc -p . --noEmit" }),
      "tsconfig.json": "{}",
    });
    assert.deepEqual(brief((await detectVerifiers(root)).commands), [
      { name: "typecheck", command: "npm", args: ["run", "check:type"], cwd: ".", parser: "tsc" },
    ]);
  });

  test("a test script in watch mode is left out with a note, since it would never end", async () => {
    const root = await project({ "package.json": manifest({ test: "jest --watchAll" }) });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(commands, []);
    assert.ok(notes.some((note) => note.includes("watch mode")));
  });
});

describe("linters without a script", () => {
  test("an eslint.config.js with ESLint installed and no lint script becomes an eslint check", async () => {
    const root = await project({ "package.json": manifest({ test: "node --test" }), "eslint.config.js": "" });
    await linkNodeTool(root, "eslint");
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(brief(commands), [
      { name: "eslint", command: "node_modules/.bin/eslint", args: ["."], cwd: ".", parser: "eslint" },
      { name: "test", command: "npm", args: ["run", "test"], cwd: ".", parser: "node-test" },
    ]);
    assert.ok(notes.some((note) => note.includes("no script runs it")));
  });

  test("ESLint is not run twice when a lint script, even an indirect one, runs it", async () => {
    const root = await project({
      "package.json": manifest({ lint: "npm run lint:js", "lint:js": "eslint src" }),
      "eslint.config.mjs": "",
    });
    await linkNodeTool(root, "eslint");
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(
      commands.map((command) => command.name),
      ["lint"],
    );
    assert.ok(notes.some((note) => note.includes("eslint is configured and a script runs it")));
  });

  test("biome.json becomes `biome check --reporter=github`, placed before the tests", async () => {
    const root = await project({
      "package.json": manifest({ typecheck: "tsc --noEmit", test: "node --test" }),
      "biome.json": "{}",
    });
    await linkNodeTool(root, "biome");
    assert.deepEqual(
      brief((await detectVerifiers(root)).commands).map(({ name, args }) => [name, args.join(" ")]),
      [
        ["typecheck", "run typecheck"],
        ["biome", "check --reporter=github"],
        ["test", "run test"],
      ],
    );
  });

  for (const lint of ["gts lint", "next lint", "eslint ."]) {
    test(`a lint script (${lint}) is the project's lint: no raw eslint or biome beside it`, async () => {
      const root = await project({
        "package.json": manifest({ lint, test: "node --test" }),
        "eslint.config.js": "",
        "biome.json": "{}",
      });
      await linkNodeTool(root, "eslint");
      await linkNodeTool(root, "biome");
      const { commands, notes } = await detectVerifiers(root);
      assert.deepEqual(
        commands.map((command) => command.name),
        ["lint", "test"],
      );
      if (lint === "gts lint")
        assert.ok(
          notes.includes(`node: eslint is configured but its lint script (${lint}) is the check`),
          notes.join("\n"),
        );
    });
  }

  test("a configured linter that is not installed is a note, not a check that always fails", async () => {
    const root = await project({ "package.json": manifest({}), "biome.jsonc": "{}", ".eslintrc.json": "{}" });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(commands, []);
    assert.ok(notes.some((note) => note.includes("node_modules/.bin/biome is missing")));
    assert.ok(notes.some((note) => note.includes("node_modules/.bin/eslint is missing")));
  });

  test("a legacy .eslintrc is skipped when the installed ESLint (9 or later) no longer reads it", async () => {
    const root = await project({
      "package.json": manifest({}),
      ".eslintrc.json": "{}",
      "node_modules/eslint/package.json": JSON.stringify({ version: "10.1.0" }),
      "node_modules/.bin/eslint": "",
    });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(commands, []);
    assert.ok(notes.some((note) => note.includes("legacy ESLint config that ESLint 10 does not read")));
  });
});

async function writeMany(root: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const directory = path.join(root, "packages", `p${String(index).padStart(3, "0")}`);
    await mkdir(directory, { recursive: true });
    await writeFile(path.join(directory, "package.json"), manifest({ test: "node --test" }));
  }
}

describe("workspaces", () => {
  test("npm workspaces: each package's scripts run in its directory, named after it", async () => {
    const root = await project({
      "package.json": manifest(
        { test: "npm test --workspaces", lint: "eslint ." },
        { workspaces: ["packages/*", "!packages/skip"] },
      ),
      "package-lock.json": "{}",
      "packages/api/package.json": manifest({ test: "vitest run" }),
      "packages/web/package.json": manifest({ test: "jest", build: "tsc" }),
      "packages/skip/package.json": manifest({ test: "node --test" }),
      "packages/docs/README.md": "no package.json here\n",
      "packages/api/node_modules/dep/package.json": manifest({ test: "exit 1" }),
    });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(brief(commands), [
      { name: "lint", command: "npm", args: ["run", "lint"], cwd: ".", parser: "eslint" },
      {
        name: "packages/api:test",
        command: "npm",
        args: ["run", "test"],
        cwd: "packages/api",
        parser: "vitest",
      },
      {
        name: "packages/web:test",
        command: "npm",
        args: ["run", "test"],
        cwd: "packages/web",
        parser: "jest",
      },
      {
        name: "packages/web:build",
        command: "npm",
        args: ["run", "build"],
        cwd: "packages/web",
        parser: "tsc",
      },
    ]);
    assert.ok(notes.includes("node: 2 workspace packages from package.json workspaces"), notes.join("\n"));
    assert.ok(notes.some((note) => note.includes("the test script runs the workspace packages' own")));
  });

  test("yarn's workspaces.packages and a hoisted tsc for a package with a tsconfig.json", async () => {
    const root = await project({
      "package.json": manifest({}, { workspaces: { packages: ["libs/**"] } }),
      "yarn.lock": "",
      "libs/core/package.json": manifest({ test: "mocha" }, { devDependencies: { typescript: "^5" } }),
      "libs/core/tsconfig.json": "{}",
    });
    await linkTypescript(root);
    assert.deepEqual(brief((await detectVerifiers(root)).commands), [
      {
        name: "libs/core:typecheck",
        command: "../../node_modules/.bin/tsc",
        args: ["--noEmit", "--pretty", "false"],
        cwd: "libs/core",
        parser: "tsc",
      },
      { name: "libs/core:test", command: "yarn", args: ["run", "test"], cwd: "libs/core", parser: "mocha" },
    ]);
  });

  test("pnpm-workspace.yaml lists the packages, and pnpm runs their scripts", async () => {
    const root = await project({
      "package.json": manifest({ test: "pnpm -r test" }),
      "pnpm-lock.yaml": "",
      "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n  - '../outside/*'\n",
      "apps/site/package.json": manifest({ test: "vitest run" }),
    });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(brief(commands), [
      { name: "apps/site:test", command: "pnpm", args: ["run", "test"], cwd: "apps/site", parser: "vitest" },
    ]);
    assert.ok(notes.some((note) => note.includes("globs outside the repository: ../outside/*")));
  });

  test("a root ESLint config is run once at the root, not per package", async () => {
    const root = await project({
      "package.json": manifest({}, { workspaces: ["packages/*"] }),
      "eslint.config.js": "",
      "packages/a/package.json": manifest({}),
      "packages/a/eslint.config.js": "",
    });
    await linkNodeTool(root, "eslint");
    assert.deepEqual(brief((await detectVerifiers(root)).commands), [
      { name: "eslint", command: "node_modules/.bin/eslint", args: ["."], cwd: ".", parser: "eslint" },
    ]);
  });

  test("a workspace package whose package.json is broken becomes a failing check", async () => {
    const root = await project({
      "package.json": manifest({}, { workspaces: ["packages/*"] }),
      "packages/bad/package.json": "{ nope",
    });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(
      commands.map(({ name, cwd }) => [name, cwd]),
      [["packages/bad:package.json", "packages/bad"]],
    );
    assert.ok(notes.some((note) => note.startsWith("node: packages/bad/package.json cannot be read")));
  });

  test(`at most ${maxWorkspacePackages} packages are checked, and a note names what was left out`, async () => {
    const root = await project({ "package.json": manifest({}, { workspaces: ["packages/*"] }) });
    await writeMany(root, maxWorkspacePackages + 3);
    const { commands, notes } = await detectVerifiers(root);
    assert.equal(commands.length, maxWorkspacePackages);
    assert.equal(commands.at(-1)?.cwd, `packages/p${String(maxWorkspacePackages - 1).padStart(3, "0")}`);
    assert.ok(
      notes.some((note) => note.includes("3 more (from packages/p050) are not")),
      notes.join("\n"),
    );
  });
});
