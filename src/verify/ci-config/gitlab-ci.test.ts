// Reading .gitlab-ci.yml: jobs' before_script and script with extends and anchors resolved,
// hidden templates, includes, manual jobs and extends cycles handled.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { gitlabSteps } from "./gitlab-ci.ts";

const read = (text: string) => gitlabSteps({ path: ".gitlab-ci.yml", text });

describe("gitlabSteps", () => {
  test("reads each job's before_script and script, through extends and anchors", () => {
    const { steps } = read(`
include: { project: org/templates, file: ci.yml }
variables: { NODE_ENV: test, DERIVED: "$CI_COMMIT_SHA" }
default:
  before_script: [npm ci]
.node: &node
  image: node:22
  script: [npm test]
.lint-base:
  script: [npm run lint]
unit:
  <<: *node
lint:
  extends: .lint-base
  variables: { STRICT: "1" }
publish:
  when: manual
  script: [npm publish]
`);
    assert.deepEqual(
      steps.map(({ run, job, env }) => ({ run, job, env })),
      [
        { run: "npm ci", job: ".gitlab-ci.yml#unit", env: { NODE_ENV: "test" } },
        { run: "npm test", job: ".gitlab-ci.yml#unit", env: { NODE_ENV: "test" } },
        { run: "npm ci", job: ".gitlab-ci.yml#lint", env: { NODE_ENV: "test", STRICT: "1" } },
        { run: "npm run lint", job: ".gitlab-ci.yml#lint", env: { NODE_ENV: "test", STRICT: "1" } },
      ],
    );
  });

  test("reports includes, manual jobs and a circular extends chain", () => {
    const { steps, notes } = read(`
include: [remote.yml]
a: { extends: b, script: [make test] }
b: { extends: a }
deploy: { when: manual, script: [make deploy] }
`);
    assert.deepEqual(steps, []);
    assert.deepEqual(
      notes.map((note) => note.replace(/^ci: \.gitlab-ci\.yml:? ?/, "")),
      [
        "include: is not followed; only this file is read",
        "a its extends chain is circular or deeper than 10; not derived",
        "b its extends chain is circular or deeper than 10; not derived",
        "deploy runs only by hand; not derived",
      ],
    );
  });

  test("a large file that reuses one template in hundreds of jobs is read, not refused as a bomb", () => {
    const jobs = Array.from({ length: 300 }, (_, index) => `job${index}:\n  <<: *base\n`).join("");
    const { steps, notes } = read(`.base: &base\n  script: [make test]\n${jobs}`);
    assert.deepEqual(notes, []);
    assert.equal(steps.length, 300);
  });

  test("resolves !reference lines within the file, and stops a self-reference at a depth bound", () => {
    const { steps } = read(`
.setup:
  script: [npm ci]
.checks:
  script:
    - npm run lint
    - !reference [.setup, script]
.loop:
  script:
    - !reference [.loop, script]
unit:
  script:
    - !reference [.checks, script]
    - npm test
    - !reference [.loop, script]
`);
    assert.deepEqual(
      steps.map((step) => step.run),
      ["npm run lint", "npm ci", "npm test"],
    );
  });

  test("a lattice of templates extending each other is resolved once per template", {
    timeout: 30_000,
  }, () => {
    // Ten templates per level over nine levels: 10^9 paths if each were resolved for every job.
    const levels = Array.from({ length: 9 }, (_, level) =>
      Array.from({ length: 10 }, (_, index) => {
        const bases = level < 8 ? Array.from({ length: 10 }, (_, base) => `.t${level + 1}_${base}`) : [];
        return `.t${level}_${index}:\n  extends: [${bases.join(", ")}]\n  script: [make test]\n`;
      }).join(""),
    );
    const { steps } = read(`${levels.join("")}unit:\n  extends: [.t0_0]\n`);
    assert.deepEqual(
      steps.map((step) => step.run),
      ["make test"],
    );
  });

  test("leaves out release jobs: a deploy or release stage, or tags only", () => {
    const { steps, notes } = read(`
stages: [test, deploy]
unit: { stage: test, script: [make test] }
pages: { stage: deploy, script: [make docs] }
package: { only: [tags], script: [make dist] }
upload: { only: { refs: [tags] }, script: [make upload] }
`);
    assert.deepEqual(
      steps.map((step) => step.run),
      ["make test"],
    );
    assert.deepEqual(
      notes.map((note) => note.replace(/^ci: \.gitlab-ci\.yml /, "")),
      [
        "pages is in the deploy stage; not derived",
        "package runs only for tags; not derived",
        "upload runs only for tags; not derived",
      ],
    );
  });
});
