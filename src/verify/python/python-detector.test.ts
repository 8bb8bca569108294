// Detection of a Python repository's checks on temp dirs: project files, uv / poetry / .venv /
// system environments, ruff and mypy only when configured and installed, pytest when tests exist.
import assert from "node:assert/strict";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { detectVerifiers } from "../detect.ts";
import { useTempDirectories } from "../temp-directories.ts";
import { readSections } from "./python-config.ts";
import { detectPythonChecks } from "./python-detector.ts";
import { lockedPackages } from "./python-environment.ts";
import { findPythonTestFile } from "./python-test-files.ts";

/** A temp directory holding `files`, removed after the test. */
const project = useTempDirectories();

/** An executable stand-in at `root/relative` (never run: detection only looks for it). */
async function executable(root: string, relative: string): Promise<void> {
  const file = path.join(root, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, "#!/bin/sh\nexit 0\n");
  await chmod(file, 0o755);
}

/** A PATH directory holding stand-in executables called `names`. */
async function binWith(...names: string[]): Promise<string> {
  const bin = await project({});
  for (const name of names) await executable(bin, name);
  return bin;
}

const defaults = { timeoutMs: 60_000 };
const argv = (commands: { command: string; args: string[] }[]): string[] =>
  commands.map(({ command, args }) => [command, ...args].join(" "));

const fullConfig = [
  '[project]\nname = "app"\n',
  "[tool.pytest.ini_options]",
  'testpaths = ["tests"]',
  "",
  "[tool.ruff.lint]",
  'select = ["F"]',
  "",
  "[tool.mypy]",
  "strict = true",
  "",
].join("\n");

describe("python detection", () => {
  test("a repository without Python project files is not a Python project", async () => {
    const root = await project({ "main.py": "print(1)\n", "package.json": "{}" });
    assert.equal(await detectPythonChecks(root, defaults, await binWith("python3", "pytest")), undefined);
  });

  for (const file of [
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "pytest.ini",
    "tox.ini",
    "requirements-dev.txt",
  ]) {
    test(`${file} marks a Python project`, async () => {
      const root = await project({ [file]: "", "tests/test_app.py": "def test_x():\n    pass\n" });
      const found = await detectPythonChecks(root, defaults, await binWith("python3", "pytest"));
      assert.deepEqual(argv(found?.commands ?? []), ["python3 -m pytest -rfE --tb=short"]);
    });
  }

  test("runs ruff, mypy and pytest with the system python3 when all are configured and installed", async () => {
    const root = await project({ "pyproject.toml": fullConfig });
    const found = await detectPythonChecks(
      root,
      defaults,
      await binWith("python3", "pytest", "ruff", "mypy"),
    );
    assert.deepEqual(
      found?.commands.map(({ name, parser, speeds, timeoutMs, cwd }) => ({
        name,
        parser,
        speeds,
        timeoutMs,
        cwd,
      })),
      ["ruff", "mypy", "pytest"].map((name) => ({
        name,
        parser: name,
        speeds: ["fast", "full"],
        timeoutMs: 60_000,
        cwd: ".",
      })),
    );
    assert.deepEqual(argv(found!.commands), [
      "ruff check --no-fix --output-format=concise",
      "python3 -m mypy --no-pretty --no-color-output --show-column-numbers .",
      "python3 -m pytest -rfE --tb=short",
    ]);
  });

  test("a configured ruff or mypy that is not installed is left out with a note naming its config", async () => {
    const root = await project({ "pyproject.toml": fullConfig });
    const { commands, notes } = (await detectPythonChecks(
      root,
      defaults,
      await binWith("python3", "pytest"),
    ))!;
    assert.deepEqual(
      commands.map((command) => command.name),
      ["pytest"],
    );
    assert.ok(
      notes.some((note) =>
        /ruff is configured \(\[tool\.ruff\] in pyproject\.toml\) but not installed/.test(note),
      ),
    );
    assert.ok(
      notes.some((note) =>
        /mypy is configured \(\[tool\.mypy\] in pyproject\.toml\) but not installed/.test(note),
      ),
    );
  });

  test("a mypy on PATH counts only beside the python3 that will run it", async () => {
    const root = await project({ "setup.py": "", "mypy.ini": "[mypy]\n" });
    const otherInterpreter = `${await binWith("python3")}${path.delimiter}${await binWith("mypy")}`;
    const missing = await detectPythonChecks(root, defaults, otherInterpreter);
    assert.deepEqual(missing?.commands, []);
    assert.ok(missing?.notes.some((note) => note.includes("(not in .venv/bin, the python3 on PATH)")));
    const beside = await detectPythonChecks(root, defaults, await binWith("python3", "mypy"));
    assert.deepEqual(
      beside?.commands.map((command) => command.name),
      ["mypy"],
    );
  });

  test("ruff and mypy are not run when the repository does not configure them, even if installed", async () => {
    const root = await project({ "pyproject.toml": '[project]\nname = "app"\n', "test_app.py": "" });
    const found = await detectPythonChecks(
      root,
      defaults,
      await binWith("python3", "pytest", "ruff", "mypy"),
    );
    assert.deepEqual(
      found?.commands.map((command) => command.name),
      ["pytest"],
    );
  });

  test("ruff.toml, mypy.ini and setup.cfg's [mypy] configure the tools too", async () => {
    const bin = await binWith("python3", "pytest", "ruff", "mypy");
    const ownFiles = await project({
      "setup.py": "",
      "ruff.toml": "line-length = 100\n",
      "mypy.ini": "[mypy]\n",
    });
    assert.deepEqual(
      (await detectPythonChecks(ownFiles, defaults, bin))?.commands.map((command) => command.name),
      ["ruff", "mypy"],
    );
    const setupCfg = await project({ "setup.cfg": "[metadata]\nname = app\n\n[mypy]\nfiles = src\n" });
    const mypy = (await detectPythonChecks(setupCfg, defaults, bin))?.commands[0];
    assert.deepEqual(mypy && [mypy.name, ...mypy.args], [
      "mypy",
      "-m",
      "mypy",
      "--no-pretty",
      "--no-color-output",
      "--show-column-numbers",
    ]);
  });

  test("a repository with neither pytest configuration nor test files gets no test check, and a note", async () => {
    const root = await project({ "pyproject.toml": '[project]\nname = "app"\n', "app/main.py": "" });
    const found = await detectPythonChecks(root, defaults, await binWith("python3", "pytest"));
    assert.deepEqual(found?.commands, []);
    assert.ok(found?.notes.some((note) => note.includes("no pytest configuration")));
  });

  test("tests found but pytest missing still gives a pytest check, with a note that it will fail", async () => {
    const root = await project({ "requirements.txt": "requests\n", "pkg/tests/test_a.py": "" });
    const found = await detectPythonChecks(root, defaults, await binWith());
    assert.deepEqual(
      found?.commands.map((command) => command.name),
      ["pytest"],
    );
    assert.ok(
      found?.notes.some((note) =>
        /tests found \(pkg\/tests\/test_a\.py\) but pytest is not installed/.test(note),
      ),
    );
  });
});

describe("python environments", () => {
  const locked = (names: string[]): string =>
    names.map((name) => `[[package]]\nname = "${name}"\nversion = "1.0"\n`).join("\n");

  test("uv.lock runs every tool through uv run --frozen, installed when the lockfile pins it", async () => {
    const root = await project({
      "pyproject.toml": fullConfig,
      "uv.lock": locked(["Ruff", "mypy", "pytest"]),
    });
    const found = await detectPythonChecks(root, defaults, await binWith("uv"));
    assert.deepEqual(argv(found?.commands ?? []), [
      "uv run --frozen ruff check --no-fix --output-format=concise",
      "uv run --frozen python -m mypy --no-pretty --no-color-output --show-column-numbers .",
      "uv run --frozen python -m pytest -rfE --tb=short",
    ]);
    assert.ok(found?.notes[0]?.includes("tools run with uv (uv.lock)"));
  });

  test("poetry.lock runs tools through poetry run; a tool neither locked nor in .venv is missing", async () => {
    const root = await project({ "pyproject.toml": fullConfig, "poetry.lock": locked(["pytest"]) });
    const found = await detectPythonChecks(root, defaults, await binWith("poetry", "mypy"));
    assert.deepEqual(argv(found?.commands ?? []), ["poetry run python -m pytest -rfE --tb=short"]);
    assert.ok(
      found?.notes.some((note) => /mypy is configured .*\(not in \.venv\/bin, poetry\.lock\)/.test(note)),
    );
  });

  test("a project .venv is used directly, and without uv on PATH a uv project falls back to it", async () => {
    const root = await project({ "pyproject.toml": fullConfig, "uv.lock": locked(["pytest"]) });
    await executable(root, ".venv/bin/python");
    await executable(root, ".venv/bin/ruff");
    const found = await detectPythonChecks(root, defaults, await binWith());
    assert.deepEqual(argv(found?.commands ?? []), [
      ".venv/bin/ruff check --no-fix --output-format=concise",
      ".venv/bin/python -m pytest -rfE --tb=short",
    ]);
    assert.match(found?.notes[0] ?? "", /uv\.lock, but uv is not on PATH, so \.venv\/bin\/python/);
  });

  test("lockfile package names are read and normalised", () => {
    const text = '[[package]]\nname = "Typing_Extensions"\n\n[[package]]\nname = "ruff"\n';
    assert.deepEqual([...lockedPackages(text)].sort(), ["ruff", "typing-extensions"]);
  });
});

describe("python configuration files", () => {
  test("sections and their keys are read from TOML and INI alike", () => {
    const sections = readSections(
      '[tool.mypy]\nfiles = ["src"]\n\n[[tool.mypy.overrides]]\nmodule = "x"\n\n[mypy-foo.*]\nignore_errors: True\n',
    );
    assert.deepEqual([...sections.keys()], ["", "tool.mypy", "tool.mypy.overrides", "mypy-foo.*"]);
    assert.deepEqual([...sections.get("tool.mypy")!], ["files"]);
    assert.deepEqual([...sections.get("mypy-foo.*")!], ["ignore_errors"]);
  });

  test("the test-file search skips virtual environments and gives up past its limits", async () => {
    const root = await project({
      ".venv/lib/site-packages/pkg/test_x.py": "",
      "node_modules/x/test_y.py": "",
      "src/app.py": "",
    });
    assert.equal(await findPythonTestFile(root), undefined);
    const deep = await project({ "a/b/c/d/e/f/g/test_deep.py": "" });
    assert.equal(await findPythonTestFile(deep), undefined);
    assert.equal(
      await findPythonTestFile(deep, { maxDepth: 10, maxEntries: 100 }),
      "a/b/c/d/e/f/g/test_deep.py",
    );
  });
});

test("detectVerifiers combines Node and Python checks in one repository", async () => {
  const root = await project({
    "package.json": JSON.stringify({ scripts: { lint: "biome check ." } }),
    "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
  });
  const names = (await detectVerifiers(root)).commands.map((command) => command.name);
  assert.deepEqual(names, ["lint", "pytest"]);
});

test("checks declared in .slipway.yml that run pytest, ruff check or mypy get those parsers", async () => {
  const root = await project({
    ".slipway.yml": [
      "verify:",
      "  replace: true",
      "  commands:",
      "    - { name: unit, run: python -m pytest -q tests/unit }",
      "    - { name: style, run: ruff check src }",
      "    - { name: types, run: .venv/bin/mypy src }",
      "",
    ].join("\n"),
  });
  const { commands } = await detectVerifiers(root);
  assert.deepEqual(
    commands.map((command) => [command.name, command.parser]),
    [
      ["unit", "pytest"],
      ["style", "ruff"],
      ["types", "mypy"],
    ],
  );
});
