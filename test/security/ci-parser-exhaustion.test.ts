// A hostile repository's workflow must not make the host-side CI reader spend seconds and gigabytes:
// a matrix is expanded only when it is of a real matrix's size.
import assert from "node:assert/strict";
import { test } from "node:test";
import { workflowSteps } from "../../src/verify/ci-config/github-workflows.ts";
import { gitlabSteps } from "../../src/verify/ci-config/gitlab-ci.ts";

/** One anchor of `values` entries aliased into both axes of `jobs` jobs' matrices. */
function aliasedMatrixWorkflow(values: number, jobs: number): string {
  let text = `on: [push]\nx: &v [${Array(values).fill("1").join(",")}]\njobs:\n`;
  for (let index = 0; index < jobs; index++) {
    text += `  j${index}:\n    runs-on: ubuntu-latest\n    strategy: { matrix: { a: *v, b: *v } }\n    steps: [ { run: "make test" } ]\n`;
  }
  return text;
}

test("a job whose matrix holds thousands of values is left out with a note, not expanded", () => {
  // 2,000 values per axis: the old reader built 256 × 2,000 combinations per axis and derived the job
  // (at 60,000 values and ten jobs it spent 36 s and 1.3 GiB on a 41 KB file).
  const read = workflowSteps({ path: ".github/workflows/ci.yml", text: aliasedMatrixWorkflow(2000, 3) });
  assert.equal(read.steps.length, 0, JSON.stringify(read.steps[0]));
  assert.equal(
    read.notes.filter((note) => /matrix holds more than 1024 values; not derived/.test(note)).length,
    3,
  );
});

test("a matrix of many axes is left out; a real matrix is still expanded", () => {
  const axes = Array.from({ length: 40 }, (_, index) => `a${index}: [1]`).join(", ");
  const many = `on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    strategy: { matrix: { ${axes} } }\n    steps: [ { run: "make test" } ]\n`;
  assert.match(
    workflowSteps({ path: "w.yml", text: many }).notes.join("\n"),
    /more than 32 axes; not derived/,
  );
  const real = aliasedMatrixWorkflow(3, 1);
  const read = workflowSteps({ path: "w.yml", text: real });
  assert.equal(read.steps.length, 1);
  assert.match(read.notes.join("\n"), /one combination \(a=1, b=1\)/);
});

/** A 2,000-name env map aliased into every job's and step's env. */
function aliasedEnvWorkflow(jobs: number, steps: number, names = 2000): string {
  const env = Array.from({ length: names }, (_, index) => `K${index}: v`).join(", ");
  const step = '{ run: "make test", env: *e }';
  let text = `on: [push]\nx: &e { ${env} }\ns: &s [${Array(steps).fill(step).join(", ")}]\njobs:\n`;
  for (let index = 0; index < jobs; index++)
    text += `  j${index}:\n    runs-on: ubuntu-latest\n    env: *e\n    steps: *s\n`;
  return text;
}

test("a job or step setting thousands of variables is left out with a note", () => {
  // The old reader resolved and copied every name into every step's check (20,000 names in 50
  // jobs of 5 steps: 15 s on a 232 KB file, 250 checks of 20,000 variables each).
  const read = workflowSteps({ path: "w.yml", text: aliasedEnvWorkflow(2, 2) });
  assert.equal(read.steps.length, 0);
  assert.match(
    read.notes.join("\n"),
    /jobs\.j0: its workflow or job sets more than 100 variables; not derived/,
  );
  const stepOnly = aliasedEnvWorkflow(1, 1).replace("    env: *e\n", "");
  const steps = workflowSteps({ path: "w.yml", text: stepOnly });
  assert.equal(steps.steps.length, 0);
  assert.match(steps.notes.join("\n"), /step 1 sets more than 100 variables; not derived/);
  const few = workflowSteps({ path: "w.yml", text: aliasedEnvWorkflow(1, 1, 3) });
  assert.deepEqual(few.steps[0]?.env, { K0: "v", K1: "v", K2: "v" });
});

test("a GitLab job whose variables (its own or the file's) number thousands is left out with a note", () => {
  const variables = Array.from({ length: 2000 }, (_, index) => `K${index}: v`).join(", ");
  const text = `.v: &v { ${variables} }\na: { script: [make test], variables: *v }\nb: { script: [make lint], variables: { A: b } }\n`;
  const read = gitlabSteps({ path: ".gitlab-ci.yml", text });
  assert.deepEqual(
    read.steps.map((step) => [step.run, step.env]),
    [["make lint", { A: "b" }]],
  );
  assert.match(
    read.notes.join("\n"),
    /\.gitlab-ci\.yml a: it or the file sets more than 100 variables; not derived/,
  );
  const global = gitlabSteps({
    path: ".gitlab-ci.yml",
    text: `variables: { ${variables} }\nb: { script: [make lint] }\n`,
  });
  assert.equal(global.steps.length, 0);
});
