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

async function isolatingBackends(): Promise<{ backend: SandboxBackend; skip: string | false }[]> {
  const bwrap = await bwrapSandboxBackend.availability();
  const dockerSkip = await dockerTestSkipReason();
  return [
    {
      backend: bwrapSandboxBackend,
      skip: bwrap.available ? false : `bwrap is unavailable here: ${bwrap.reason}`,
    },
    {
      backend: dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels: dockerLabels }),
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
  if (!backends.find((entry) => entry.backend.name === "docker")?.skip)
    await removeLeftoverContainers({ maxAgeMs: 0, labels: dockerLabels });
});

for (const { backend, skip } of backends) {
  if (skip) {
    console.log(`# skipping the attack suite on ${backend.name}: ${skip}`);
    skipped.push(`${backend.name} (${skip})`);
  }
  describe(`attack suite: ${backend.name}`, () => {
    for (const attempt of attempts) {
      test(attempt.name, { skip, timeout: 240_000 }, async () => {
        const attack = await openAttackRun(world, backend, attempt);
        let verdict: Verdict;
        try {
          verdict = await attempt.run(attack);
        } catch (error) {
          verdict = { blocked: false, evidence: `the attempt itself failed: ${(error as Error).message}` };
        } finally {
          await attack.dispose();
        }
        rows.push({ attempt: attempt.name, backend: backend.name, ...verdict });
        assert.ok(verdict.blocked, `not blocked on ${backend.name}: ${verdict.evidence}`);
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
