// The attack suite: every attempt an untrusted repository or a tenacious agent might make, run as a
// script through Sandbox.exec of each isolating backend on a real worktree of a real mirror, under
// the configuration's default limits. Each must fail with the platform unharmed; a table of
// attempt × backend → blocked is printed at the end.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, describe, test } from "node:test";
import { bwrapSandboxBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { removeLeftoverContainers } from "../../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../../src/sandbox/docker/test-image.ts";
import type { SandboxBackend } from "../../src/sandbox/sandbox.ts";
import { createAttackWorld, openAttackRun } from "./attack-world.ts";
import type { Attempt, Verdict } from "./attempt.ts";
import { filesystemAttempts } from "./attempts-filesystem.ts";
import { gitAttempts } from "./attempts-git.ts";
import { resourceAttempts } from "./attempts-resources.ts";
import { secretAndNetworkAttempts } from "./attempts-secrets-network.ts";

const attempts: Attempt[] = [
  ...filesystemAttempts,
  ...secretAndNetworkAttempts,
  ...resourceAttempts,
  ...gitAttempts,
];

/** Containers of this suite carry this label, so the after hook sweeps only its own. */
const dockerLabels = { "slipway.test": `attack-suite-${process.pid}-${randomInt(1e9)}` };

interface SuiteBackend {
  /** The name in the table. */
  label: string;
  backend: SandboxBackend;
  processSpace: "run" | "command";
  skip: string | false;
}

/**
 * The isolating backends, each as the agent's commands use it (`run`); bwrap also as verification
 * uses it (a process space per command), as its two spaces are built differently.
 */
async function isolatingBackends(): Promise<SuiteBackend[]> {
  const bwrap = await bwrapSandboxBackend.availability();
  const bwrapSkip = bwrap.available ? false : `bwrap is unavailable here: ${bwrap.reason}`;
  const dockerSkip = await dockerTestSkipReason();
  return [
    { label: "bwrap", backend: bwrapSandboxBackend, processSpace: "run", skip: bwrapSkip },
    { label: "bwrap, own space", backend: bwrapSandboxBackend, processSpace: "command", skip: bwrapSkip },
    {
      label: "docker",
      backend: dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels: dockerLabels }),
      processSpace: "run",
      skip: dockerSkip ? `no Docker engine here: ${dockerSkip}` : false,
    },
  ];
}

interface Row extends Verdict {
  attempt: string;
  backend: string;
}

function renderTable(rows: Row[]): string {
  const header = ["attempt", "backend", "blocked", "evidence"];
  const body = rows.map((row) => [row.attempt, row.backend, row.blocked ? "yes" : "NO", row.evidence]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...body].map((cells) => cells[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n");
}

const world = await createAttackWorld();
const backends = await isolatingBackends();
const rows: Row[] = [];
const skipped: string[] = [];

after(async () => {
  await world.dispose();
  if (!backends.find((entry) => entry.label === "docker")?.skip)
    await removeLeftoverContainers({ maxAgeMs: 0, labels: dockerLabels });
});

for (const { label, backend, processSpace, skip } of backends) {
  if (skip) {
    console.log(`# skipping the attack suite on ${label}: ${skip}`);
    skipped.push(`${label} (${skip})`);
  }
  describe(`attack suite: ${label}`, () => {
    for (const attempt of attempts) {
      test(attempt.name, { skip, timeout: 240_000 }, async () => {
        const attack = await openAttackRun(world, backend, { ...attempt, processSpace });
        let verdict: Verdict;
        try {
          verdict = await attempt.run(attack);
        } catch (error) {
          verdict = { blocked: false, evidence: `the attempt itself failed: ${(error as Error).message}` };
        } finally {
          await attack.dispose();
        }
        rows.push({ attempt: attempt.name, backend: label, ...verdict });
        assert.ok(verdict.blocked, `not blocked on ${label}: ${verdict.evidence}`);
      });
    }
  });
}

describe("attack suite: summary", () => {
  test("every attempt is blocked on every isolating backend here", () => {
    console.log(`\n${renderTable(rows)}\n`);
    if (skipped.length > 0) console.log(`# not run: ${skipped.join("; ")}`);
    assert.ok(attempts.length >= 20, `only ${attempts.length} attempts`);
    const open = rows.filter((row) => !row.blocked).map((row) => `${row.attempt} (${row.backend})`);
    assert.deepEqual(open, [], `walls that did not hold: ${open.join(", ")}`);
  });
});
