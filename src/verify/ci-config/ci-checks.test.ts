// Deriving checks from CI files: exactly the project's check commands become checks, everything
// else is a note; tox/nox environments a CI step calls are expanded; task runners are the fallback.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type CiDerivation, deriveCiChecks } from "./ci-checks.ts";
import type { CiFile } from "./ci-file.ts";

/** No package.json anywhere, unless a test gives scripts by directory. */
const derive = (
  files: CiFile[],
  scripts: Record<string, Record<string, string>> = {},
): Promise<CiDerivation> =>
  deriveCiChecks(
    { files, notes: [] },
    { timeoutMs: 1000 },
    {
      scriptBody: async (cwd, script) => (scripts[cwd] ? (scripts[cwd][script] ?? null) : undefined),
      isDirectory: async (cwd) => !cwd.startsWith("made-by-ci"),
    },
  );
const lines = (derived: CiDerivation) =>
  derived.checks.map(({ command }) => `${command.name}: ${[command.command, ...command.args].join(" ")}`);

const workflow = (...runs: string[]) =>
  `jobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n${runs.map((run) => `      - run: ${run}\n`).join("")}`;

const nodeWorkflow = `
name: CI
on: [push, pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
      - run: npm ci
      - run: npm run check:type
      - run: npm test
      - name: Coverage
        run: npx codecov --token=\${{ secrets.CODECOV_TOKEN }}
  deploy:
    needs: check
    runs-on: ubuntu-latest
    steps:
      - run: npx vercel deploy --prod
`;

describe("deriveCiChecks", () => {
  test("a Node workflow gives exactly its typecheck and test, and notes for every other step", async () => {
    const derived = await derive([{ path: ".github/workflows/ci.yml", text: nodeWorkflow }]);
    assert.deepEqual(lines(derived), ["check:type: npm run check:type", "test: npm test"]);
    assert.deepEqual(
      derived.checks.map((check) => check.kinds),
      [["type"], ["test"]],
    );
    const notes = derived.notes.join("\n");
    assert.match(notes, /step 6 needs secrets the gate does not have/);
    assert.match(notes, /jobs\.deploy deploys or releases; not derived/);
    assert.match(notes, /action steps are not run \(actions\/checkout@v4, actions\/setup-node@v4\)/);
    assert.match(notes, /install steps are left to the setup stage: npm ci/);
  });

  test("the same command in several jobs or workflows is one check; a build makes later checks gate-only", async () => {
    const workflow = (name: string) =>
      `jobs:\n  ${name}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run build\n      - run: npm test\n`;
    const derived = await derive([
      { path: ".github/workflows/a.yml", text: workflow("one") },
      { path: ".github/workflows/b.yml", text: workflow("two") },
    ]);
    assert.deepEqual(lines(derived), ["build: npm run build", "test: npm test"]);
    assert.deepEqual(
      derived.checks.map((check) => check.command.speeds),
      [["full"], ["full"]],
    );
  });

  test("a GitLab job's script gives its checks; its installs and uploads do not", async () => {
    const text = `
default:
  before_script:
    - pip install -e ".[test]"
test:
  script:
    - python -m pytest -q
    - ruff check .
    - curl -X POST https://example.invalid/report
`;
    const derived = await derive([{ path: ".gitlab-ci.yml", text }]);
    assert.deepEqual(lines(derived), ["pytest: python -m pytest -q", "ruff: ruff check ."]);
    assert.deepEqual(derived.checks[0]!.command.parser, "pytest");
  });

  test("a CI step running tox -e runs the commands of those tox environments", async () => {
    const tox = `
[tox]
envlist = py312, lint
[testenv]
commands = {env:RUNNER:pytest} {posargs:tests}
[testenv:lint]
commands =
    ruff check {toxinidir}/src
    - mypy src
[testenv:docs]
commands = sphinx-build docs out
`;
    const workflow =
      "jobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install tox\n      - run: tox -e lint\n";
    const derived = await derive([
      { path: ".github/workflows/ci.yml", text: workflow },
      { path: "tox.ini", text: tox },
    ]);
    assert.deepEqual(lines(derived), ["ruff: ruff check ./src"]);
    assert.match(derived.notes.join("\n"), /- mypy src: not derived/);
    // Without a CI file, tox's envlist is the project's own list of checks.
    const alone = await derive([{ path: "tox.ini", text: tox }]);
    assert.deepEqual(lines(alone), ["pytest: pytest tests", "ruff: ruff check ./src"]);
  });

  test("noxfile.py is read without running it: literal session.run calls of the default sessions", async () => {
    const text = `import nox

nox.options.sessions = ["tests", "lint"]

@nox.session(python=["3.12"])
def tests(session):
    session.install("-e", ".[test]")
    session.run("pytest", "-q", *session.posargs)

@nox.session
def lint(session):
    session.run(
        "ruff",
        "check",
        "src, tests",  # one argument with a comma
        env={"A": "1", "B": "2"},
    )

@nox.session
def docs(session):
    session.run("sphinx-build", "docs", "out")
`;
    const derived = await derive([{ path: "noxfile.py", text }]);
    assert.deepEqual(
      derived.checks.map(({ command }) => [command.command, ...command.args]),
      [["ruff", "check", "src, tests"]],
    );
    assert.match(
      derived.notes.join("\n"),
      /session tests: session\.run\("pytest", "-q", \*session\.posargs\) is computed/,
    );
  });

  test("turbo.json and nx.json check tasks run through the repository's own runner", async () => {
    const turbo = JSON.stringify({
      tasks: { build: {}, "check-types": {}, test: {}, dev: {}, "web#lint": {} },
    });
    const derived = await derive([{ path: "turbo.json", text: turbo }]);
    assert.deepEqual(lines(derived), [
      "turbo-build: node_modules/.bin/turbo run build --force",
      "turbo-check-types: node_modules/.bin/turbo run check-types --force",
      "turbo-test: node_modules/.bin/turbo run test --force",
    ]);
    const nx = JSON.stringify({ targetDefaults: { lint: {}, serve: {} } });
    assert.deepEqual(lines(await derive([{ path: "nx.json", text: nx }])), [
      "nx-lint: node_modules/.bin/nx run-many -t lint --skip-nx-cache",
    ]);
  });

  test("a step's directory must stay inside the repository", async () => {
    const text =
      "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n        working-directory: ../elsewhere\n";
    const derived = await derive([{ path: ".github/workflows/ci.yml", text }]);
    assert.deepEqual(derived.checks, []);
    assert.match(derived.notes.join("\n"), /runs in \.\.\/elsewhere, outside the repository/);
  });

  test("a generated workflow with thousands of check steps is cut at a bound", async () => {
    const steps = Array.from({ length: 2000 }, (_, index) => `      - run: npm run test:${index}`).join("\n");
    const derived = await derive([
      {
        path: ".github/workflows/ci.yml",
        text: `jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${steps}\n`,
      },
    ]);
    assert.equal(derived.checks.length, 30);
    assert.match(derived.notes.join("\n"), /more than 30 checks derived/);
  });

  test("a script the package lacks is left out; a workspace-wide run is not looked up; parsers come from the scripts", async () => {
    const text = workflow("pnpm run typecheck", "pnpm run lint:legacy", "pnpm -r test", "pnpm tsc --noEmit");
    const derived = await derive([{ path: ".github/workflows/ci.yml", text }], {
      ".": { typecheck: "vue-tsc --noEmit", test: "vitest run" },
    });
    assert.deepEqual(lines(derived), [
      "typecheck: pnpm run typecheck",
      "test: pnpm -r test",
      "tsc: pnpm tsc --noEmit",
    ]);
    assert.deepEqual(
      derived.checks.map((check) => check.command.parser),
      ["tsc", "vitest", "tsc"],
    );
    assert.match(
      derived.notes.join("\n"),
      /`pnpm run lint:legacy` is not run: \.\/package\.json has no lint:legacy script/,
    );
  });

  test("a job that starts services keeps its lint but not its tests, which need them", async () => {
    const text = `jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres: { image: "postgres:16" }
    steps:
      - run: npm run lint
      - run: npm test
`;
    const derived = await derive([{ path: ".github/workflows/ci.yml", text }]);
    assert.deepEqual(lines(derived), ["lint: npm run lint"]);
    assert.match(derived.notes.join("\n"), /`npm test` is not run: its job starts services \(postgres\)/);
  });

  test("a package script run by npm, pnpm and yarn jobs is one check; a directory the CI makes is left out", async () => {
    const text = workflow("npm run test:ci", "pnpm run test:ci", "yarn run test:ci");
    const derived = await derive([
      { path: ".github/workflows/a.yml", text },
      {
        path: ".github/workflows/b.yml",
        text: "on: pull_request\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n        working-directory: made-by-ci/package\n",
      },
    ]);
    assert.deepEqual(lines(derived), ["test:ci: npm run test:ci"]);
    assert.match(
      derived.notes.join("\n"),
      /`npm test` is not run: it runs in made-by-ci\/package, which the checkout does not have/,
    );
  });

  test("a reusable workflow of the repository that the CI calls is read; one nothing calls is not", async () => {
    const caller = "on: [pull_request]\njobs:\n  test:\n    uses: ./.github/workflows/_test.yml\n";
    const callee =
      "on: workflow_call\njobs:\n  unit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n";
    const lone =
      "on: workflow_call\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run lint\n";
    const derived = await derive([
      { path: ".github/workflows/_lint.yml", text: lone },
      { path: ".github/workflows/_test.yml", text: callee },
      { path: ".github/workflows/ci.yml", text: caller },
    ]);
    assert.deepEqual(lines(derived), ["test: npm test"]);
    assert.match(
      derived.notes.join("\n"),
      /ci\.yml jobs\.test calls \.github\/workflows\/_test\.yml, whose steps are read/,
    );
    assert.match(derived.notes.join("\n"), /_lint\.yml does not run on pushes or pull requests/);
  });

  test("only plain variables reach a check: PATH, odd names and values with escapes or $ stay out", async () => {
    const text = `env:
  CI_LEVEL: full
  PATH: /opt/evil
  "BAD NAME": x
  ESCAPED: "a\\e[2Jb"
  REFERS: $HOME/x
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
`;
    const derived = await derive([{ path: ".github/workflows/ci.yml", text }]);
    assert.deepEqual(lines(derived), ["test: env CI_LEVEL=full npm test"]);
  });

  test("notes quoting the CI file carry no terminal escapes or line breaks", async () => {
    const text =
      'jobs:\n  "a\\e[2J\\nfake: ok":\n    runs-on: ubuntu-latest\n    steps:\n      - run: "echo \\e[31mred | tee x"\n';
    const derived = await derive([{ path: ".github/workflows/ci.yml", text }]);
    assert.ok(derived.notes.length > 0);
    for (const note of derived.notes) assert.doesNotMatch(note, /\p{Cc}/u);
  });
});
