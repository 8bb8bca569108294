// Detection of a repository's checks: Node package managers and scripts, tsc, and `.slipway.yml`.
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { describe, test } from "node:test";
import { ConfigError } from "../core/errors.ts";
import { detectRunVerifiers, detectVerifiers } from "./detect.ts";
import { ecosystemDetectors } from "./ecosystem-registry.ts";
import { useTempDirectories } from "./temp-directories.ts";
import { linkTypescript } from "./verify-fixtures.ts";

/** A temp directory holding `files`, removed after the test. */
const project = useTempDirectories();

const scripts = (value: Record<string, string>): string =>
  JSON.stringify({ name: "fixture", scripts: value });

describe("node detection", () => {
  const lockfiles = [
    ["package-lock.json", "npm"],
    ["pnpm-lock.yaml", "pnpm"],
    ["yarn.lock", "yarn"],
    ["bun.lockb", "bun"],
    ["bun.lock", "bun"],
  ] as const;
  for (const [lockfile, manager] of lockfiles) {
    test(`runs scripts with ${manager} when the repository has ${lockfile}`, async () => {
      const root = await project({ "package.json": scripts({ test: "node --test" }), [lockfile]: "" });
      const { commands } = await detectVerifiers(root);
      assert.deepEqual(
        commands.map(({ name, command, args }) => ({ name, command, args })),
        [{ name: "test", command: manager, args: ["run", "test"] }],
      );
    });
  }

  test("uses npm without a lockfile, or the packageManager field when it names one", async () => {
    const plain = await project({ "package.json": scripts({ lint: "biome check ." }) });
    assert.equal((await detectVerifiers(plain)).commands[0]?.command, "npm");
    const declared = await project({
      "package.json": JSON.stringify({ packageManager: "pnpm@9.12.0", scripts: { lint: "biome check ." } }),
    });
    assert.equal((await detectVerifiers(declared)).commands[0]?.command, "pnpm");
  });

  test("turns typecheck, lint, test and build into checks with their parsers and speeds", async () => {
    const root = await project({
      "package.json": scripts({
        build: "vite build",
        test: "node --test test/",
        lint: "eslint .",
        typecheck: "tsc -b",
        start: "node .",
      }),
    });
    const { commands } = await detectVerifiers(root);
    assert.deepEqual(
      commands.map(({ name, parser, speeds }) => ({ name, parser, speeds })),
      [
        { name: "typecheck", parser: "tsc", speeds: ["fast", "full"] },
        { name: "lint", parser: "eslint", speeds: ["fast", "full"] },
        { name: "test", parser: "node-test", speeds: ["fast", "full"] },
        { name: "build", parser: "generic", speeds: ["full"] },
      ],
    );
  });

  test("skips npm's placeholder test script and says so", async () => {
    const root = await project({
      "package.json": scripts({ test: 'echo "Error: no test specified" && exit 1' }),
    });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(commands, []);
    assert.ok(notes.some((note) => note.includes("placeholder")));
  });

  test("adds tsc --noEmit for a tsconfig.json without a typecheck script, using the repository's tsc", async () => {
    const root = await project({
      "package.json": JSON.stringify({
        scripts: { test: "node --test" },
        devDependencies: { typescript: "^5" },
      }),
      "tsconfig.json": "{}",
    });
    await linkTypescript(root);
    const { commands } = await detectVerifiers(root);
    const typecheck = commands.find((command) => command.name === "typecheck");
    assert.deepEqual(
      typecheck && { command: typecheck.command, args: typecheck.args, parser: typecheck.parser },
      {
        command: "node_modules/.bin/tsc",
        args: ["--noEmit", "--pretty", "false"],
        parser: "tsc",
      },
    );
  });

  test("skips tsc when the repository has no node_modules/.bin/tsc and says why", async () => {
    const root = await project({
      "package.json": JSON.stringify({ scripts: {}, devDependencies: { typescript: "^5" } }),
      "tsconfig.json": "{}",
    });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(commands, []);
    assert.ok(
      notes.some((note) => note.includes("node_modules/.bin/tsc is missing")),
      notes.join("\n"),
    );
  });

  test("turns an unreadable package.json into a failing check rather than no checks", async () => {
    const root = await project({ "package.json": "{ not json" });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(
      commands.map((command) => command.name),
      ["package.json"],
    );
    assert.ok(notes.some((note) => note.includes("package.json cannot be read")));
  });

  test("detects nothing in a repository without package.json", async () => {
    const root = await project({ "README.md": "hello\n" });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(commands, []);
    assert.ok(notes.some((note) => note.includes("no checks found")));
  });
});

describe(".slipway.yml", () => {
  const base = { "package.json": scripts({ test: "node --test", lint: "eslint ." }) };

  test("declared checks extend the detected ones and a same-named one overrides it", async () => {
    const root = await project({
      ...base,
      ".slipway.yml": [
        "verify:",
        "  commands:",
        "    - name: test",
        "      run: node --test --test-reporter=tap 'test/unit tests'",
        "      timeoutSeconds: 30",
        "    - name: e2e",
        "      run: npx playwright test",
        "      cwd: web",
        "      speed: full",
        "",
      ].join("\n"),
    });
    const { commands } = await detectVerifiers(root, { timeoutMs: 60_000 });
    assert.deepEqual(
      commands.map(({ name, command, args, cwd, parser, speeds, timeoutMs }) => ({
        name,
        command,
        args,
        cwd,
        parser,
        speeds,
        timeoutMs,
      })),
      [
        {
          name: "lint",
          command: "npm",
          args: ["run", "lint"],
          cwd: ".",
          parser: "eslint",
          speeds: ["fast", "full"],
          timeoutMs: 60_000,
        },
        {
          name: "test",
          command: "node",
          args: ["--test", "--test-reporter=tap", "test/unit tests"],
          cwd: ".",
          parser: "node-test",
          speeds: ["fast", "full"],
          timeoutMs: 30_000,
        },
        {
          name: "e2e",
          command: "npx",
          args: ["playwright", "test"],
          cwd: "web",
          parser: "generic",
          speeds: ["full"],
          timeoutMs: 60_000,
        },
      ],
    );
  });

  test("replace: true keeps only the declared checks", async () => {
    const root = await project({
      ...base,
      ".slipway.yml":
        "verify:\n  replace: true\n  commands:\n    - { name: check, run: make check, parser: generic }\n",
    });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(
      commands.map((command) => command.name),
      ["check"],
    );
    assert.ok(notes.some((note) => note.includes("replaces the detected checks")));
  });

  test("other top-level sections are left to their owners", async () => {
    const root = await project({ ...base, ".slipway.yml": "guards:\n  maxFilesChanged: 3\n" });
    assert.equal((await detectVerifiers(root)).commands.length, 2);
  });

  const invalid: [string, string, RegExp][] = [
    [
      "an unknown speed",
      "verify:\n  commands:\n    - { name: t, run: make, speed: slow }\n",
      /verify\.commands\.0\.speed/,
    ],
    ["an unknown key", "verify:\n  comands: []\n", /verify: .*comands/],
    [
      "an unknown parser",
      "verify:\n  commands:\n    - { name: t, run: make, parser: junit }\n",
      /verify\.commands\.0\.parser: unknown parser/,
    ],
    [
      "a shell pipeline",
      "verify:\n  commands:\n    - { name: t, run: 'make | tee log' }\n",
      /verify\.commands\.0\.run: "\|" needs a shell/,
    ],
    [
      "a cwd outside the repository",
      "verify:\n  commands:\n    - { name: t, run: make, cwd: ../x }\n",
      /verify\.commands\.0\.cwd/,
    ],
    [
      "a duplicate name",
      "verify:\n  commands:\n    - { name: t, run: a }\n    - { name: t, run: b }\n",
      /verify\.commands\.1\.name: "t" is declared twice/,
    ],
    ["broken YAML", "verify: [unclosed\n", /not valid YAML/],
    [
      "none: true beside declared commands",
      "verify:\n  none: true\n  commands:\n    - { name: t, run: make }\n",
      /verify\.none: none: true says the repository has no checks, but commands declares some/,
    ],
  ];
  for (const [what, text, message] of invalid) {
    test(`refuses ${what} with a ConfigError naming the file and key`, async () => {
      const root = await project({ ...base, ".slipway.yml": text });
      await assert.rejects(detectVerifiers(root), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^\.slipway\.yml: /);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

// parsers/ reads output and ci-config/ reads CI files for every ecosystem: neither is one.
test("every folder under src/verify/ except parsers/ and ci-config/ is a registered ecosystem", async () => {
  const entries = await readdir(import.meta.dirname, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory() && !["parsers", "ci-config"].includes(entry.name))
    .map((entry) => entry.name);
  assert.deepEqual(folders.sort(), [...ecosystemDetectors.keys()].sort());
});

describe("a run's detection", () => {
  test("takes the settings it is given and never reads the worktree's .slipway.yml", async () => {
    const root = await project({
      "package.json": scripts({ test: "node --test" }),
      ".slipway.yml": 'verify:\n  replace: true\n  commands:\n    - name: agent-check\n      run: "true"\n',
    });
    const fromBase = {
      file: ".slipway.yml",
      config: { replace: false, commands: [], none: false, fromCi: true, skip: [] },
    };
    assert.deepEqual(
      (await detectRunVerifiers(root, fromBase)).commands.map((command) => command.name),
      ["test"],
    );
    assert.deepEqual(
      (await detectRunVerifiers(root, undefined)).commands.map((command) => command.name),
      ["test"],
    );
    // The directory form, for `slipway verify --repo`, reads the directory's own file.
    assert.deepEqual(
      (await detectVerifiers(root)).commands.map((command) => command.name),
      ["agent-check"],
    );
  });
});
