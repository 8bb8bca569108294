// The attack suite: every attempt an untrusted repository or a tenacious agent might make, run as a
// script through Sandbox.exec of each isolating backend on a real worktree of a real mirror, under
// the configuration's default limits. Each must be blocked, shown by evidence (the command ran, its
// target was there, the wall refused); a table of attempt × backend → outcome is printed at the end.
// SLIPWAY_REQUIRE_SANDBOXES=bwrap,docker makes a missing backend fail instead of skip;
// SLIPWAY_ATTACK_WEAKEN=<weakening> runs it on bwrap with one protection removed (see docs/security.md).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { removeLeftoverContainers } from "../../src/sandbox/docker/leftover-containers.ts";
import {
  isolatingBackends,
  type Row,
  renderTable,
  requiredSandboxes,
  runAttempt,
  type SuiteBackend,
  suiteDockerLabels,
} from "./attack-runner.ts";
import { createAttackWorld } from "./attack-world.ts";
import { allAttempts } from "./attempts-all.ts";
import { killEscaped, sharesHostPids, weakenedBwrapBackend, weakeningFromEnv } from "./weakened-bwrap.ts";

const required = requiredSandboxes();
const weakening = weakeningFromEnv(process.env.SLIPWAY_ATTACK_WEAKEN);
const dockerLabels = suiteDockerLabels();
const world = await createAttackWorld();
const shimDirectory = mkdtempSync(path.join(tmpdir(), "slipway-weakened-"));

/** The backends to attack: all isolating ones, or with a weakening only bwrap through its shim. */
async function suiteBackends(): Promise<SuiteBackend[]> {
  const backends = await isolatingBackends(world, dockerLabels);
  if (!weakening) return backends;
  const weakened = weakenedBwrapBackend(weakening, shimDirectory, { dataDir: world.dataDir });
  // Without a pid namespace the shared space's reaper (kill -1) would reach the host: own space only.
  const spaces = sharesHostPids.includes(weakening) ? ["command"] : ["command", "run"];
  return backends
    .filter((entry) => entry.family === "bwrap" && spaces.includes(entry.processSpace))
    .map((entry) => ({ ...entry, label: `${entry.label}, weakened: ${weakening}`, backend: weakened }));
}

const backends = await suiteBackends();
const attempts = allAttempts.filter((attempt) => !(weakening && attempt.unsafeWhen?.includes(weakening)));
const rows: Row[] = [];
const missing: string[] = [];

after(async () => {
  await world.dispose();
  killEscaped(shimDirectory);
  rmSync(shimDirectory, { recursive: true, force: true });
  if (!backends.find((entry) => entry.family === "docker")?.unavailable)
    await removeLeftoverContainers({ maxAgeMs: 0, labels: dockerLabels });
});

for (const entry of backends) {
  const { label, family, unavailable } = entry;
  const mustRun = required.includes(family);
  if (unavailable) {
    const consequence = mustRun ? "FAILING: SLIPWAY_REQUIRE_SANDBOXES says this machine has it" : "skipping";
    console.log(`# attack suite on ${label}: ${consequence}; ${unavailable}`);
    missing.push(`${label} (${unavailable})`);
  }
  describe(`attack suite: ${label}`, () => {
    if (unavailable && mustRun) {
      test(`${label} is available, as SLIPWAY_REQUIRE_SANDBOXES requires`, () => {
        assert.fail(`${label} is required here but unavailable: ${unavailable}`);
      });
      return;
    }
    for (const attempt of attempts) {
      test(attempt.name, { skip: unavailable, timeout: 240_000 }, async () => {
        const row = await runAttempt(world, entry, attempt);
        rows.push(row);
        assert.equal(row.outcome, "blocked", `${row.outcome} on ${label}: ${row.evidence}`);
      });
    }
  });
}

describe("attack suite: summary", () => {
  test("every attempt ran and was blocked on every isolating backend here", (t) => {
    console.log(`\n${renderTable(rows)}\n`);
    if (missing.length > 0) console.log(`# not run: ${missing.join("; ")}`);
    const ran = backends.filter((entry) => !entry.unavailable);
    console.log(`# ${rows.length} rows ran: ${attempts.length} attempts × ${ran.length} backends`);
    assert.ok(attempts.length >= 20, `only ${attempts.length} attempts`);
    if (ran.length === 0 && required.length === 0) {
      t.skip(`no isolating backend here, and SLIPWAY_REQUIRE_SANDBOXES names none: ${missing.join("; ")}`);
      return;
    }
    // Counted from rows, not from the attempts defined: a row that never ran is not a wall that held.
    assert.equal(rows.length, attempts.length * ran.length, "some attempts did not produce a row");
    const open = rows
      .filter((row) => row.outcome !== "blocked")
      .map((row) => `${row.attempt} (${row.backend}, ${row.outcome})`);
    assert.deepEqual(open, [], `walls that did not hold or were never tried: ${open.join(", ")}`);
    const absent = backends.filter((entry) => entry.unavailable && required.includes(entry.family));
    assert.deepEqual(
      absent.map((entry) => entry.label),
      [],
      "required backends missing",
    );
  });
});
