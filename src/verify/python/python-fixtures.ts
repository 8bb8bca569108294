// Test and benchmark helpers: planted Python fixtures (failing tests, a collection error, type
// errors, lint errors) written by code into temp dirs, and their real tools run on them. Each
// fixture says what the findings must name, so a benchmark can measure recall.
import { execFileSync } from "node:child_process";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import type { PlantedFixture, PlantedProblem } from "../planted-fixtures.ts";
import { captureOutput, makeProject } from "../verify-fixtures.ts";
import type { PythonTool } from "./python-environment.ts";

/** A planted Python fixture, and the one tool (and its arguments) that reveals its problem. */
export interface PythonFixture extends PlantedFixture {
  /** The tool that reveals the problem; its output is read by the parser of the same name. */
  tool: PythonTool;
  /** Arguments after the tool, as the Python detector passes them. */
  args: string[];
}

/** A pyproject.toml; `pytest` adds pytest's configuration (so the detector adds a pytest check). */
const pyproject = (extra: string, pytest: boolean): string =>
  [
    '[project]\nname = "calc"\nversion = "0.1.0"\n',
    pytest ? '[tool.pytest.ini_options]\npythonpath = ["src"]\n' : "",
    extra,
  ].join("\n");

const calcModule = [
  "def add(a: int, b: int) -> int:",
  "    return a + b",
  "",
  "",
  "def ratio(a: int, b: int) -> float:",
  "    return a / b",
  "",
].join("\n");

/** Interpreters tried for pytest and mypy: the one on PATH, then Debian's (python3-pytest, python3-mypy). */
const interpreters = ["python3", "/usr/bin/python3"];

function canImport(python: string, module: string): boolean {
  try {
    execFileSync(python, ["-c", `import ${module}`], { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function installHint(tool: PythonTool): string {
  return tool === "ruff"
    ? "ruff is not packaged in Debian 12; install it with pip or the standalone installer"
    : `Debian's python3-${tool} serves /usr/bin/python3; or install ${tool} for the python3 on PATH`;
}

/**
 * Why the detected check cannot run `tool` here (the detector runs `python3 -m pytest|mypy` and
 * `ruff`, all from PATH), or undefined when it can.
 */
export function detectedToolMissing(tool: PythonTool): string | undefined {
  const found = tool === "ruff" ? findOnPath("ruff", process.env.PATH ?? "") : canImport("python3", tool);
  if (found) return undefined;
  const where = tool === "ruff" ? "ruff is not on PATH" : `the python3 on PATH cannot import ${tool}`;
  return `${where}, and detected checks run it from there (${installHint(tool)})`;
}

/** How to run `tool` on this machine, from PATH or Debian's python3 (argv before its args), or why not. */
export function pythonToolRunner(tool: PythonTool): { argv: string[] } | { skip: string } {
  if (tool === "ruff" && findOnPath("ruff", process.env.PATH ?? "")) return { argv: ["ruff"] };
  const python = interpreters.find((candidate) => canImport(candidate, tool));
  if (python) return { argv: [python, "-m", tool] };
  return { skip: `${tool} is not installed on this machine (${installHint(tool)})` };
}

function fixture(
  tool: PythonTool,
  args: string[],
  fields: Pick<PythonFixture, "name" | "description" | "files" | "planted">,
): PythonFixture {
  return { ...fields, tool, args, speed: "full", unavailable: () => detectedToolMissing(tool) };
}

const pytestArgs = ["-rfE", "--tb=short"];
const failingTest = (test: string, line: number): PlantedProblem => ({
  kind: "test",
  test,
  file: test.split("::")[0]!,
  line,
});

/** Two passing and four failing tests: an assertion, a parametrized case, a raise deep in the code, a broken fixture. */
export function pytestFailuresFixture(): PythonFixture {
  const tests = [
    "import pytest",
    "from calc import add, ratio",
    "",
    "",
    "def test_add():",
    "    assert add(1, 1) == 2",
    "",
    "",
    "def test_add_negative():",
    "    assert add(2, -1) == 3",
    "",
    "",
    "class TestRatio:",
    '    @pytest.mark.parametrize("a,b,expected", [(1, 2, 0.5), (3, 4, 0.5)])',
    "    def test_ratio(self, a, b, expected):",
    "        assert ratio(a, b) == expected",
    "",
    "    def test_ratio_by_zero(self):",
    "        assert ratio(1, 0) == 0",
    "",
    "",
    "@pytest.fixture",
    "def database():",
    '    raise RuntimeError("database is not reachable")',
    "",
    "",
    "def test_uses_database(database):",
    "    assert database",
    "",
  ].join("\n");
  return fixture("pytest", pytestArgs, {
    name: "python-failing-tests",
    description:
      "a wrong assertion, a failing parametrized case, a ZeroDivisionError in the code, a broken fixture",
    files: {
      "pyproject.toml": pyproject("", true),
      "src/calc/__init__.py": calcModule,
      "tests/test_calc.py": tests,
    },
    planted: [
      failingTest("tests/test_calc.py::test_add_negative", 10),
      failingTest("tests/test_calc.py::TestRatio::test_ratio[3-4-0.5]", 16),
      failingTest("tests/test_calc.py::TestRatio::test_ratio_by_zero", 19),
      failingTest("tests/test_calc.py::test_uses_database", 24),
    ],
  });
}

/** A test module that cannot be imported, so pytest stops at collection. */
export function pytestCollectionErrorFixture(): PythonFixture {
  return fixture("pytest", pytestArgs, {
    name: "python-collection-error",
    description: "a test module importing a function that does not exist",
    files: {
      "pyproject.toml": pyproject("", true),
      "src/calc/__init__.py": calcModule,
      "tests/test_ok.py": "def test_ok():\n    assert True\n",
      "tests/test_broken.py":
        "from calc import subtract\n\n\ndef test_subtract():\n    assert subtract(2, 1) == 1\n",
    },
    planted: [failingTest("tests/test_broken.py", 1)],
  });
}

/** `count` parametrized tests with long ids, all but three failing, to test that no name is ever dropped. */
export function pytestManyFailuresFixture(count: number): PythonFixture {
  const suite = "test_invoice_totals_round_every_line_with_discounts_and_taxes_across_currencies";
  const tests = [
    "import pytest",
    "",
    "",
    `@pytest.mark.parametrize("line", range(${count}))`,
    `def ${suite}(line):`,
    "    assert line * 100 // 3 == line * 33, f'line {line} is off by {line * 100 // 3 - line * 33}'",
    "",
  ].join("\n");
  // line * 100 // 3 equals line * 33 only for lines 0, 1 and 2.
  const failing = Array.from({ length: count }, (_, line) => line).filter((line) => line >= 3);
  return fixture("pytest", pytestArgs, {
    name: "python-many-failing-tests",
    description: `${failing.length} failing parametrized tests with long names`,
    files: { "pyproject.toml": pyproject("", true), "tests/test_invoice.py": tests },
    planted: failing.map((line) => failingTest(`tests/test_invoice.py::${suite}[${line}]`, 6)),
  });
}

/** A strict mypy configuration and a function that returns a float where it promises an int. */
export function mypyTypeErrorFixture(): PythonFixture {
  const module = [
    "def half(n: int) -> int:",
    "    return n / 2",
    "",
    "",
    "def greet(name: str) -> str:",
    '    return "hello " + name',
    "",
    "",
    "count: int = greet(3)",
    "",
  ].join("\n");
  const file = "src/calc/__init__.py";
  return fixture("mypy", ["--no-pretty", "--no-color-output", "--show-column-numbers", "."], {
    name: "python-mypy-type-errors",
    description: "a float returned as int, a str assigned to an int, an int passed as str",
    files: { "pyproject.toml": pyproject("[tool.mypy]\nstrict = true\n", false), [file]: module },
    planted: [
      { kind: "type", file, line: 2, rule: "return-value" },
      { kind: "type", file, line: 9, rule: "assignment" },
      { kind: "type", file, line: 9, rule: "arg-type" },
    ],
  });
}

/** An unused import and a comparison to None, under a ruff configuration that selects both rules. */
export function ruffLintErrorFixture(): PythonFixture {
  const module = ["import os", "", "", "def is_missing(value):", "    return value == None", ""].join("\n");
  const file = "src/calc/__init__.py";
  return fixture("ruff", ["check", "--no-fix", "--output-format=concise"], {
    name: "python-ruff-lint",
    description: "an unused import (F401) and a comparison to None (E711)",
    files: {
      "pyproject.toml": pyproject('[tool.ruff.lint]\nselect = ["F401", "E711"]\n', false),
      [file]: module,
    },
    planted: [
      { kind: "lint", file, line: 1, rule: "F401" },
      { kind: "lint", file, line: 5, rule: "E711" },
    ],
  });
}

/** Every Python fixture, for benchmarks over the whole corpus (run them with runPlantedFixture). */
export function pythonFixtures(): PythonFixture[] {
  return [
    pytestFailuresFixture(),
    pytestCollectionErrorFixture(),
    pytestManyFailuresFixture(120),
    mypyTypeErrorFixture(),
    ruffLintErrorFixture(),
  ];
}

/** Node ids of the failing tests planted in `fixture`. */
export function failingTestNames(fixture: PlantedFixture): string[] {
  return fixture.planted.flatMap((problem) => (problem.test === undefined ? [] : [problem.test]));
}

/** Write `fixture` into a fresh temp directory and return its path (remove it with removeProject). */
export function writePythonFixture(fixture: PythonFixture): Promise<string> {
  return makeProject(fixture.files);
}

/**
 * Run the fixture's real tool directly (not through detection) in `root` and return everything it
 * printed, or why it cannot run. Pass the `runner` already looked up to save starting an interpreter.
 */
export async function capturePythonFixture(
  fixture: PythonFixture,
  root: string,
  runner: ReturnType<typeof pythonToolRunner> = pythonToolRunner(fixture.tool),
): Promise<{ output: string } | { skip: string }> {
  if ("skip" in runner) return runner;
  const [command, ...prefix] = runner.argv;
  return { output: await captureOutput(root, command!, [...prefix, ...fixture.args]) };
}
