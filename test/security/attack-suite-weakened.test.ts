// The attack suite against itself: on a bwrap build with one protection removed (weakened-bwrap.ts),
// every attempt that says it proves that protection must come out "breached" — and with bwrap
// failing before any command, every attempt must come out "inconclusive", never "blocked".
// Weakenings run at once, each on an attack world of its own; one weakening's attempts in turn.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { bwrapSandboxBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import type { SandboxBackend } from "../../src/sandbox/sandbox.ts";
import { createWorldPool, describeLanes } from "./attack-lanes.ts";
import { inOrder, type Row, renderTable, requiredSandboxes, runAttempt } from "./attack-runner.ts";
import type { Outcome } from "./attempt.ts";
import { allAttempts } from "./attempts-all.ts";
import {
  killEscaped,
  type Weakening,
  weakenedBwrapBackend,
  weakenedSkipReason,
  weakenings,
} from "./weakened-bwrap.ts";

const availability = await bwrapSandboxBackend.availability();
const unavailable = availability.available
  ? weakenedSkipReason()
  : `bwrap is unavailable here: ${availability.reason}`;
const required = requiredSandboxes().includes("bwrap");
if (unavailable) console.log(`# weakened attack suite: ${required ? "FAILING" : "skipping"}; ${unavailable}`);

/** Weakenings run at once, each on its own attack world (attack-lanes.ts). */
const lanesAtOnce = 4;
const pool = await createWorldPool(lanesAtOnce);
const shimDirectory = mkdtempSync(path.join(tmpdir(), "slipway-weakened-"));
const rows: Row[] = [];

after(async () => {
  killEscaped(shimDirectory);
  await pool.dispose();
  rmSync(shimDirectory, { recursive: true, force: true });
});

/**
 * The weakened runs use bwrap's own space (as verification does). The shared space keeps walls the
 * shim cannot take away without sharing the host's pids (which its reaper's kill(-1) must never
 * reach): its command server ends a timed-out command inside its namespace, and exits when its
 * channel closes, taking the namespace with it. SLIPWAY_ATTACK_WEAKEN runs both where it is safe.
 */
const processSpace = "command";

/** What each attempt must come out as: inconclusive when nothing runs, else breached. */
const expected = (weakening: Weakening): Outcome => (weakening === "no-run" ? "inconclusive" : "breached");

test("bwrap and the shim are here, as SLIPWAY_REQUIRE_SANDBOXES requires", {
  skip: !required && unavailable ? unavailable : false,
}, () => {
  assert.equal(unavailable, undefined, `bwrap is required here: ${unavailable}`);
});

/** No-run: every attempt must notice; otherwise the attempts proving this protection. */
const attemptsFor = (weakening: Weakening) =>
  allAttempts.filter(
    (attempt) =>
      (weakening === "no-run" || attempt.proves === weakening) && !attempt.unsafeWhen?.includes(weakening),
  );
for (const weakening of weakenings) {
  for (const unsafe of allAttempts.filter((attempt) => attempt.unsafeWhen?.includes(weakening)))
    console.log(`# not run weakened by ${weakening}: ${unsafe.name} (it would harm this machine)`);
  // `pid` alone: its attempts are walled twice (see `escape`, `unsandboxed`) or unsafe to run.
  if (attemptsFor(weakening).length === 0)
    console.log(`# weakening ${weakening}: no attempt proves it alone; see docs/security.md`);
}
const label = (weakening: Weakening) => `bwrap own space without ${weakening}`;

describeLanes(
  "weakened attack suite",
  weakenings.filter((weakening) => attemptsFor(weakening).length > 0),
  { pool, concurrency: lanesAtOnce, laneTitle: (weakening) => `weakened: ${label(weakening)}` },
  (weakening, world) => {
    let backend: SandboxBackend | undefined;
    for (const attempt of attemptsFor(weakening)) {
      test(`${attempt.name} → ${expected(weakening)}`, {
        skip: unavailable ?? false,
        timeout: 240_000,
      }, async () => {
        backend ??= weakenedBwrapBackend(weakening, shimDirectory, world());
        const row = await runAttempt(
          world(),
          { label: label(weakening), family: "bwrap", backend, processSpace, unavailable: false },
          attempt,
        );
        rows.push(row);
        assert.equal(
          row.outcome,
          expected(weakening),
          `${attempt.name} on ${label(weakening)}: ${row.evidence}`,
        );
      });
    }
  },
);

describe("weakened attack suite: summary", () => {
  test("every attempt that names a sandbox protection was shown to fail without it", {
    skip: unavailable ?? false,
  }, () => {
    const table = inOrder(
      rows,
      weakenings.map(label),
      allAttempts.map((attempt) => attempt.name),
    );
    console.log(`\n${renderTable(table)}\n`);
    const proven = new Set(rows.filter((row) => row.outcome === "breached").map((row) => row.attempt));
    const unproven = allAttempts
      .filter((attempt) => attempt.proves !== "platform" && !proven.has(attempt.name))
      .filter((attempt) => !(attempt.proves !== "platform" && attempt.unsafeWhen?.includes(attempt.proves)))
      .map((attempt) => attempt.name);
    assert.deepEqual(unproven, [], "attempts never shown to fail without their protection");
  });
});
