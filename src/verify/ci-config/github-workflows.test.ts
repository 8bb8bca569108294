// Reading GitHub Actions workflows: run steps with their matrix, environment and directory; action
// steps, secrets, unresolvable expressions, other shells and non-Linux jobs reported, not read.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { workflowSteps } from "./github-workflows.ts";

const read = (text: string) => workflowSteps({ path: ".github/workflows/ci.yml", text });

describe("workflowSteps", () => {
  test("reads run steps with the first matrix combination, preferring a Linux runner", () => {
    const { steps, notes } = read(`
env: { CI_LEVEL: full }
jobs:
  test:
    runs-on: \${{ matrix.os }}
    strategy:
      matrix:
        os: [macos-latest, ubuntu-latest]
        node: [20, 22]
    defaults: { run: { working-directory: app } }
    env: { NODE: "\${{ matrix.node }}" }
    steps:
      - uses: actions/checkout@v4
      - run: npm test -- --node=\${{ matrix.node }} --level=\${{ env.CI_LEVEL }}
      - run: cargo test
        working-directory: crates/core
`);
    assert.deepEqual(
      steps.map(({ run, cwd, env }) => ({ run, cwd, env })),
      [
        { run: "npm test -- --node=20 --level=full", cwd: "app", env: { CI_LEVEL: "full", NODE: "20" } },
        { run: "cargo test", cwd: "crates/core", env: { CI_LEVEL: "full", NODE: "20" } },
      ],
    );
    assert.ok(
      notes.includes(
        "ci: .github/workflows/ci.yml jobs.test: matrix: one combination (os=ubuntu-latest, node=20)",
      ),
    );
    assert.ok(notes.some((note) => /action steps are not run \(actions\/checkout@v4\)/.test(note)));
  });

  test("reports steps that need secrets or expressions the gate cannot resolve", () => {
    const { steps, notes } = read(`
jobs:
  ship:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
        env: { NODE_AUTH_TOKEN: "\${{ secrets.NPM_TOKEN }}" }
      - run: echo \${{ github.ref }}
      - run: ./upload \${{ secrets.KEY }}
`);
    assert.deepEqual(steps, []);
    assert.equal(notes.filter((note) => /needs secrets the gate does not have/.test(note)).length, 2);
    assert.ok(notes.some((note) => /cannot resolve \(\$\{\{ github\.ref \}\}\)/.test(note)));
  });

  test("skips Windows jobs, reusable workflows, other shells and expression matrices; reads macOS jobs", () => {
    const { steps, notes } = read(`
jobs:
  win: { runs-on: windows-latest, steps: [{ run: npm test }] }
  mac: { runs-on: macos-latest, steps: [{ run: npm run lint }] }
  reuse: { uses: org/repo/.github/workflows/x.yml@main }
  pwsh: { runs-on: ubuntu-latest, steps: [{ run: npm test, shell: pwsh }] }
  dynamic: { runs-on: ubuntu-latest, strategy: { matrix: "\${{ fromJSON(needs.a.outputs.m) }}" }, steps: [{ run: npm test }] }
`);
    assert.deepEqual(
      steps.map((step) => step.run),
      ["npm run lint"],
    );
    assert.equal(notes.length, 4, notes.join("\n"));
  });

  test("an alias bomb or invalid YAML is a note, not an exception", () => {
    const rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const name of "bcdefgh")
      rows.push(
        `${name}: &${name} [${Array(10)
          .fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`)
          .join(", ")}]`,
      );
    assert.match(read(rows.join("\n")).notes[0]!, /is not read: .*(alias|resource exhaustion)/i);
    assert.match(read("jobs: [unclosed").notes[0]!, /is not read/);
    assert.match(read(`${"[".repeat(100_000)}`).notes[0]!, /is not read/);
  });

  test("reads workflows that run on pushes or pull requests, not release, schedule or manual ones", () => {
    const job = "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{ run: make check }]\n";
    const runs = (on: string) => read(`on: ${on}\n${job}`).steps.length;
    assert.equal(runs("[push, pull_request]"), 1);
    assert.equal(runs("{ push: { branches: [main] } }"), 1);
    assert.equal(runs("merge_group"), 1);
    assert.equal(runs("{ push: { tags: ['v*'] } }"), 0);
    assert.equal(runs("{ release: { types: [published] } }"), 0);
    assert.equal(runs("{ schedule: [{ cron: '0 0 * * *' }], workflow_dispatch: {} }"), 0);
    assert.match(
      read(`on: workflow_dispatch\n${job}`).notes[0]!,
      /does not run on pushes or pull requests; not read/,
    );
  });

  test("a run text full of unclosed expressions is refused in one pass", { timeout: 30_000 }, () => {
    const run = "${{ ".repeat(60_000);
    const text = `jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "${run}"\n`;
    const { steps, notes } = read(text);
    assert.deepEqual(steps, []);
    assert.match(notes.join("\n"), /uses an expression the gate cannot resolve/);
  });

  test("leaves out steps and jobs whose if: is false on a Linux runner", () => {
    const { steps, notes } = read(`
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm run test:windows
        if: runner.os == 'Windows'
      - run: npm test
        if: github.event_name == 'push'
  mac-only:
    if: \${{ startsWith(matrix.os, 'macos') }}
    strategy: { matrix: { os: [ubuntu-latest, macos-latest] } }
    runs-on: \${{ matrix.os }}
    steps: [{ run: npm run test:mac }]
`);
    assert.deepEqual(
      steps.map((step) => step.run),
      ["npm test"],
    );
    assert.equal(notes.filter((note) => /false for the gate's Linux runner/.test(note)).length, 2);
  });

  test("resolves a working directory named through the matrix", () => {
    const { steps } = read(`
jobs:
  test:
    runs-on: ubuntu-latest
    strategy: { matrix: { package: [core, web] } }
    steps:
      - run: npm test
        working-directory: packages/\${{ matrix.package }}
`);
    assert.deepEqual(
      steps.map((step) => step.cwd),
      ["packages/core"],
    );
  });

  test("leaves out jobs that deploy, release or publish", () => {
    const { steps, notes } = read(`
jobs:
  test: { runs-on: ubuntu-latest, steps: [{ run: npm test }] }
  deploy-docs: { runs-on: ubuntu-latest, steps: [{ run: npm run build }] }
  ship: { name: Publish to npm, runs-on: ubuntu-latest, steps: [{ run: npm run build }] }
`);
    assert.deepEqual(
      steps.map((step) => step.run),
      ["npm test"],
    );
    assert.equal(notes.filter((note) => /deploys or releases; not derived/.test(note)).length, 2);
  });
});
