// The attack suite: every attempt an untrusted repository or a tenacious agent might make, run as a
// script through Sandbox.exec of each isolating backend on a real worktree of a real mirror, under
// the configuration's default limits. Each must be blocked, shown by evidence (the command ran, its
// target was there, the wall refused); a table of attempt × backend → outcome is printed at the end.
// The backends run at once, each in two lanes on attack worlds of their own (attack-lanes.ts); the
// attempts of one lane run one after another.
// SLIPWAY_REQUIRE_SANDBOXES=bwrap,docker makes a missing backend fail instead of skip;
// SLIPWAY_ATTACK_WEAKEN=<weakening> runs it on bwrap with one protection removed (see docs/security.md).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { removeLeftoverContainers } from "../../src/sandbox/docker/leftover-containers.ts";
import { createWorldPool, describeLanes } from "./attack-lanes.ts";
import {
  inOrder,
  isolatingLanes,
  type Row,
  renderTable,
  requiredSandboxes,
  runAttempt,
  type SuiteBackend,
  type SuiteLane,
  suiteDockerLabels,
} from "./attack-runner.ts";
import { allAttempts } from "./attempts-all.ts";
import { killEscaped, sharesHostPids, weakenedBwrapBackend, weakeningFromEnv } from "./weakened-bwrap.ts";

const required = requiredSandboxes();
const weakening = weakeningFromEnv(process.env.SLIPWAY_ATTACK_WEAKEN);
const dockerLabels = suiteDockerLabels();
const shimDirectory = mkdtempSync(path.join(tmpdir(), "slipway-weakened-"));

/** The backends to attack: all isolating ones, or with a weakening only bwrap through its shim. */
async function suiteLanes(): Promise<SuiteLane[]> {
  const lanes = await isolatingLanes(dockerLabels);
  if (!weakening) return lanes;
  // Without a pid namespace the shared space's reaper (kill -1) would reach the host: own space only.
  const spaces = sharesHostPids.includes(weakening) ? ["command"] : ["command", "run"];
  return lanes
    .filter((entry) => entry.family === "bwrap" && spaces.includes(entry.processSpace))
    .map((entry) => ({
      ...entry,
      label: `${entry.label}, weakened: ${weakening}`,
      backendFor: (world: { dataDir: string }) =>
        weakenedBwrapBackend(weakening, shimDirectory, { dataDir: world.dataDir }),
    }));
}

const lanes = await suiteLanes();
const runnable = lanes.filter((entry) => !entry.unavailable);
/** Each available backend's attempts in this many lanes (of consecutive attempts), all at once. */
const partsPerBackend = 2;
const pool = await createWorldPool(runnable.length * partsPerBackend);
const attempts = allAttempts.filter((attempt) => !(weakening && attempt.unsafeWhen?.includes(weakening)));
const rows: Row[] = [];
const missing: string[] = [];

after(async () => {
  await pool.dispose();
  killEscaped(shimDirectory);
  rmSync(shimDirectory, { recursive: true, force: true });
  if (!lanes.find((entry) => entry.family === "docker")?.unavailable)
    await removeLeftoverContainers({ maxAgeMs: 0, labels: dockerLabels });
});

for (const { label, family, unavailable } of lanes) {
  if (!unavailable) continue;
  const consequence = required.includes(family)
    ? "FAILING: SLIPWAY_REQUIRE_SANDBOXES says this machine has it"
    : "skipping";
  console.log(`# attack suite on ${label}: ${consequence}; ${unavailable}`);
  missing.push(`${label} (${unavailable})`);
}

/** A lane: one part of one backend's attempts (an unavailable backend is one lane of skips). */
const parts = lanes.flatMap((entry) => {
  const of = entry.unavailable ? 1 : partsPerBackend;
  return Array.from({ length: of }, (_, part) => ({ entry, part, of }));
});

describeLanes(
  "attack suite",
  parts,
  {
    pool,
    concurrency: Math.max(1, runnable.length * partsPerBackend),
    laneTitle: ({ entry, part, of }) =>
      `attack suite: ${entry.label}${of > 1 ? ` (part ${part + 1} of ${of})` : ""}`,
  },
  ({ entry, part, of }, world) => {
    const { label, family, unavailable } = entry;
    if (unavailable && required.includes(family)) {
      test(`${label} is available, as SLIPWAY_REQUIRE_SANDBOXES requires`, () => {
        assert.fail(`${label} is required here but unavailable: ${unavailable}`);
      });
      return;
    }
    let backend: SuiteBackend | undefined;
    const mine = attempts.filter((_, index) => Math.floor((index * of) / attempts.length) === part);
    for (const attempt of mine) {
      test(attempt.name, { skip: unavailable, timeout: 240_000 }, async () => {
        backend ??= { ...entry, backend: entry.backendFor(world()) };
        const row = await runAttempt(world(), backend, attempt);
        rows.push(row);
        assert.equal(row.outcome, "blocked", `${row.outcome} on ${label}: ${row.evidence}`);
      });
    }
  },
);

describe("attack suite: summary", () => {
  test("every attempt ran and was blocked on every isolating backend here", (t) => {
    const table = inOrder(
      rows,
      lanes.map((entry) => entry.label),
      attempts.map((attempt) => attempt.name),
    );
    console.log(`\n${renderTable(table)}\n`);
    if (missing.length > 0) console.log(`# not run: ${missing.join("; ")}`);
    console.log(`# ${rows.length} rows ran: ${attempts.length} attempts × ${runnable.length} backends`);
    assert.ok(attempts.length >= 20, `only ${attempts.length} attempts`);
    if (runnable.length === 0 && required.length === 0) {
      t.skip(`no isolating backend here, and SLIPWAY_REQUIRE_SANDBOXES names none: ${missing.join("; ")}`);
      return;
    }
    // Counted from rows, not from the attempts defined: a row that never ran is not a wall that held.
    assert.equal(rows.length, attempts.length * runnable.length, "some attempts did not produce a row");
    const open = rows
      .filter((row) => row.outcome !== "blocked")
      .map((row) => `${row.attempt} (${row.backend}, ${row.outcome})`);
    assert.deepEqual(open, [], `walls that did not hold or were never tried: ${open.join(", ")}`);
    const absent = lanes.filter((entry) => entry.unavailable && required.includes(entry.family));
    assert.deepEqual(
      absent.map((entry) => entry.label),
      [],
      "required backends missing",
    );
  });
});
