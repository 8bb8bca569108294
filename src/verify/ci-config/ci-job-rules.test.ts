// Faults found deriving checks from real projects' CI (issue 12): a corepack-pinned package manager
// runs through setup's launcher, TOXENV / `tox -e` pick the tox environments, and a command that
// needs what a dropped install step (rustup target/component, apt-get) adds is left out too.
import assert from "node:assert/strict";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, test } from "node:test";
import { makeProject, removeProject } from "../verify-fixtures.ts";
import { checkoutFilesIn } from "./checkout-files.ts";
import { type CiDerivation, deriveCiChecks } from "./ci-checks.ts";
import type { CiFile } from "./ci-file.ts";

const roots: string[] = [];
after(async () => {
  for (const root of roots) await removeProject(root);
});

/** Derives from `files` against a real checkout holding `checkout` (written by code). */
async function derive(files: CiFile[], checkout: Record<string, string> = {}): Promise<CiDerivation> {
  const root = await makeProject({ "README.md": "fixture\n", ...checkout });
  roots.push(root);
  return deriveCiChecks({ files, notes: [] }, { timeoutMs: 1000 }, checkoutFilesIn(root));
}
const lines = (derived: CiDerivation) =>
  derived.checks.map(({ command }) => `${command.name}: ${[command.command, ...command.args].join(" ")}`);
const job = (name: string, env: string, ...runs: string[]) =>
  `  ${name}:\n    runs-on: ubuntu-latest\n${env}    steps:\n${runs.map((run) => `      - run: ${run}\n`).join("")}`;
const workflow = (...jobs: string[]) => ({
  path: ".github/workflows/ci.yml",
  text: `jobs:\n${jobs.join("")}`,
});

describe("checks derived from CI on real projects' shapes", () => {
  test("a pinned pnpm that setup provided runs through its launcher, not by name (F4)", async () => {
    const launcher = "node_modules/.slipway-corepack/bin/pnpm";
    const packageJson = JSON.stringify({ packageManager: "pnpm@10.33.0", scripts: { lint: "eslint ." } });
    const files = [
      workflow(job("ci", "", "corepack enable", "pnpm install", "pnpm lint", "pnpm vitest --coverage")),
    ];
    const derived = await derive(files, { "package.json": packageJson, [launcher]: "#!/bin/sh\n" });
    assert.deepEqual(lines(derived), [`lint: ${launcher} lint`, `vitest: ${launcher} vitest --coverage`]);
    // Without a launcher (no pin set up) the manager on PATH runs, as before.
    const plain = await derive(files, { "package.json": packageJson });
    assert.deepEqual(lines(plain), ["lint: pnpm lint", "vitest: pnpm vitest --coverage"]);
  });

  test("a pinned yarn in a workspace package is found in the folder above", async () => {
    const root = await makeProject({
      "package.json": JSON.stringify({ packageManager: "yarn@4.1.0", workspaces: ["packages/*"] }),
      "packages/a/package.json": JSON.stringify({ scripts: { test: "node --test" } }),
    });
    roots.push(root);
    const bin = path.join(root, "node_modules/.slipway-corepack/bin");
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, "yarn"), "#!/bin/sh\n");
    await chmod(path.join(bin, "yarn"), 0o755);
    const step = "      - run: yarn test\n        working-directory: packages/a\n";
    const file = {
      path: ".github/workflows/ci.yml",
      text: `jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n${step}`,
    };
    const derived = await deriveCiChecks(
      { files: [file], notes: [] },
      { timeoutMs: 1000 },
      checkoutFilesIn(root),
    );
    assert.deepEqual(lines(derived), ["packages/a:test: ../../node_modules/.slipway-corepack/bin/yarn test"]);
  });

  test("a CI's python, pytest or coverage runs from the project's .venv when there is one (F9)", async () => {
    const subStep = "      - run: pytest -q\n        working-directory: sub\n";
    const text = `${workflow(job("tests", "", "python -m unittest", "coverage run -m unittest")).text}${subStep}`;
    const files = [{ path: ".github/workflows/ci.yml", text }];
    const venv = { ".venv/bin/python": "", ".venv/bin/pytest": "", "sub/x.py": "" };
    // coverage is not in the .venv (only the CI's own `pip install coverage` would add it): by name.
    assert.deepEqual(lines(await derive(files, venv)), [
      "unittest: .venv/bin/python -m unittest",
      "coverage: coverage run -m unittest",
      "sub:pytest: ../.venv/bin/pytest -q",
    ]);
    assert.deepEqual(lines(await derive(files, { "sub/x.py": "" })), [
      "unittest: python -m unittest",
      "coverage: coverage run -m unittest",
      "sub:pytest: pytest -q",
    ]);
  });

  test("a program only a dropped `pip install` adds is left out when the project's .venv lacks it (F9)", async () => {
    const text = workflow(
      job("cov", "", "pip install . coverage pytest-cov", "coverage run -m pytest", "python -m pytest -x"),
    ).text;
    const files = [{ path: ".github/workflows/ci.yml", text }];
    const venv = { ".venv/bin/python": "", ".venv/bin/pytest": "" };
    const derived = await derive(files, venv);
    assert.deepEqual(lines(derived), ["pytest: .venv/bin/python -m pytest -x"]);
    assert.match(
      derived.notes.join("\n"),
      /`coverage run -m pytest` is not run: it needs the program coverage that `pip install \. coverage pytest-cov` installs/,
    );
    // With it in the .venv, or with no .venv at all (the machine's Python may have it), it runs.
    assert.equal(lines(await derive(files, { ...venv, ".venv/bin/coverage": "" })).length, 2);
    assert.equal(lines(await derive(files, {})).length, 2);
  });

  const toxIni = {
    path: "tox.ini",
    text: "[tox]\nenvlist = py, flake8\n[testenv]\ncommands = python -m pytest -rfsxX\n[testenv:flake8]\ncommands = flake8 six.py\n",
  };

  test("a job's TOXENV selects the tox environments; the rest of the envlist is not derived (F5)", async () => {
    const derived = await derive([
      workflow(job("test", "    env:\n      TOXENV: py\n", "python -m tox")),
      toxIni,
    ]);
    assert.deepEqual(lines(derived), ["pytest: python -m pytest -rfsxX"]);
    const several = await derive([
      workflow(job("test", "    env:\n      TOXENV: py,flake8\n", "tox")),
      toxIni,
    ]);
    assert.deepEqual(lines(several), ["pytest: python -m pytest -rfsxX", "flake8: flake8 six.py"]);
  });

  test("tox -e beats TOXENV; no selection runs the envlist", async () => {
    const chosen = await derive([
      workflow(job("test", "    env:\n      TOXENV: py\n", "tox -e flake8")),
      toxIni,
    ]);
    assert.deepEqual(lines(chosen), ["flake8: flake8 six.py"]);
    const all = await derive([workflow(job("test", "", "tox")), toxIni]);
    assert.deepEqual(lines(all), ["pytest: python -m pytest -rfsxX", "flake8: flake8 six.py"]);
  });

  test("a build for a target that a dropped `rustup target add` installs is left out with a note (F7)", async () => {
    const derived = await derive([
      workflow(
        job("tests", "", "cargo build", "cargo test"),
        job(
          "no_std",
          "",
          "rustup target add thumbv6m-none-eabi",
          "cargo build --no-default-features --target thumbv6m-none-eabi",
          "cargo test --no-default-features",
        ),
      ),
    ]);
    assert.deepEqual(lines(derived), [
      "cargo-build: cargo build",
      "cargo-test: cargo test",
      "cargo-test-2: cargo test --no-default-features",
    ]);
    assert.match(
      derived.notes.join("\n"),
      /jobs\.no_std step 2: `cargo build --no-default-features --target thumbv6m-none-eabi` is not run: it needs the target thumbv6m-none-eabi that `rustup target add thumbv6m-none-eabi` installs/,
    );
  });

  test("rustup components and apt packages' programs, drop what needs them in their job only", async () => {
    const derived = await derive([
      workflow(
        job(
          "lint",
          "",
          "rustup component add clippy rustfmt",
          "cargo clippy -- -D warnings",
          "cargo fmt --check",
          "cargo test",
        ),
        job("shell", "", "sudo apt-get install -y shellcheck", "shellcheck build.sh"),
        job("other", "", "cargo clippy"),
      ),
    ]);
    assert.deepEqual(lines(derived), ["cargo-test: cargo test", "cargo-clippy: cargo clippy"]);
    const notes = derived.notes.join("\n");
    assert.match(notes, /`cargo clippy -- -D warnings` is not run: it needs the component clippy/);
    assert.match(notes, /`cargo fmt --check` is not run: it needs the component rustfmt/);
    assert.match(notes, /`shellcheck build.sh` is not run: it needs the program shellcheck/);
  });
});
