// The attack suite against a weakened docker backend (weakened-docker.ts: the engine's socket behind
// a proxy that rewrites the container definition): the attempts proving a protection come out
// "breached" without it, and with every command failing before it starts all come out "inconclusive".
// Weakenings run at once, each on an attack world of its own; one weakening's attempts in turn.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { defaultSocketPath } from "../../src/sandbox/docker/docker-engine.ts";
import { dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { removeLeftoverContainers } from "../../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../../src/sandbox/docker/test-image.ts";
import { createWorldPool, describeLanes } from "./attack-lanes.ts";
import {
  inOrder,
  type Row,
  renderTable,
  requiredSandboxes,
  runAttempt,
  suiteDockerLabels,
} from "./attack-runner.ts";
import { allAttempts } from "./attempts-all.ts";
import { type DockerWeakening, dockerWeakenings, weakenedDockerEngine } from "./weakened-docker.ts";

const skipReason = await dockerTestSkipReason();
const unavailable = skipReason ? `no Docker engine here: ${skipReason}` : undefined;
const required = requiredSandboxes().includes("docker");
if (unavailable)
  console.log(`# weakened docker attack suite: ${required ? "FAILING" : "skipping"}; ${unavailable}`);

/** Weakenings run at once, each on its own attack world (attack-lanes.ts). */
const lanesAtOnce = 3;
const pool = await createWorldPool(lanesAtOnce);
const directory = mkdtempSync(path.join(tmpdir(), "slipway-weakened-docker-"));
const labels = suiteDockerLabels();
const engines = unavailable
  ? []
  : await Promise.all(
      dockerWeakenings.map((weakening) => weakenedDockerEngine(weakening, defaultSocketPath, directory)),
    );
const rows: Row[] = [];

after(async () => {
  if (!unavailable) await removeLeftoverContainers({ maxAgeMs: 0, labels });
  for (const engine of engines) await engine.close();
  await pool.dispose();
  rmSync(directory, { recursive: true, force: true });
});

test("a Docker engine is here, as SLIPWAY_REQUIRE_SANDBOXES requires", {
  skip: !required && unavailable ? unavailable : false,
}, () => {
  assert.equal(unavailable, undefined, `docker is required here: ${unavailable}`);
});

const label = (weakening: string) => `docker without ${weakening}`;

const attemptsFor = (weakening: DockerWeakening) =>
  allAttempts.filter(
    (attempt) =>
      (weakening === "no-run" || attempt.proves === weakening) && !attempt.unsafeWhen?.includes(weakening),
  );
/** A weakening with this many attempts or more (no-run: all of them) runs in two lanes. */
const splitFrom = 12;
const parts = dockerWeakenings.flatMap((weakening, index) => {
  const of = attemptsFor(weakening).length >= splitFrom ? 2 : 1;
  return Array.from({ length: of }, (_, part) => ({ weakening, index, part, of }));
});

describeLanes(
  "weakened docker attack suite",
  parts,
  {
    pool,
    concurrency: lanesAtOnce,
    laneTitle: ({ weakening, part, of }) =>
      `weakened: ${label(weakening)}${of > 1 ? ` (part ${part + 1} of ${of})` : ""}`,
  },
  ({ weakening, index, part, of }, world) => {
    const all = attemptsFor(weakening);
    const attempts = all.filter((_, position) => Math.floor((position * of) / all.length) === part);
    const expected = weakening === "no-run" ? "inconclusive" : "breached";
    for (const attempt of attempts) {
      test(`${attempt.name} → ${expected}`, { skip: unavailable ?? false, timeout: 240_000 }, async () => {
        const socketPath = engines[index]?.socketPath;
        assert.ok(socketPath);
        const backend = dockerSandboxBackend({
          image: testImage,
          hostToolchainMounts: true,
          labels,
          dataDir: world().dataDir,
          socketPath,
        });
        const row = await runAttempt(
          world(),
          { label: label(weakening), family: "docker", backend, processSpace: "run", unavailable: false },
          attempt,
        );
        rows.push(row);
        assert.equal(row.outcome, expected, `${attempt.name} on ${label(weakening)}: ${row.evidence}`);
      });
    }
  },
);

describe("weakened docker attack suite: summary", () => {
  test("every weakening turned its attempts", { skip: unavailable ?? false }, () => {
    const table = inOrder(
      rows,
      dockerWeakenings.map(label),
      allAttempts.map((attempt) => attempt.name),
    );
    console.log(`\n${renderTable(table)}\n`);
    const turned = new Set(rows.filter((row) => row.outcome !== "blocked").map((row) => row.backend));
    const untested = dockerWeakenings.filter((weakening) => !turned.has(`docker without ${weakening}`));
    assert.deepEqual(untested, [], "weakenings no attempt noticed");
  });
});
