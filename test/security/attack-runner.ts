// Runs attack attempts against sandbox backends and reports them: which backends this machine must
// have (SLIPWAY_REQUIRE_SANDBOXES), one attempt on one backend to one row, and the table of rows.
import { randomInt } from "node:crypto";
import { bwrapSandboxBackend, createBwrapBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { dockerTestSkipReason, testImage } from "../../src/sandbox/docker/test-image.ts";
import type { ExecRequest, SandboxBackend } from "../../src/sandbox/sandbox.ts";
import { type AttackWorld, clearMarkers, openAttackRun } from "./attack-world.ts";
import { type Attempt, type Outcome, type Verdict, verdictOf } from "./attempt.ts";

/** The sandbox backends a machine can be required to have. */
export const requirableSandboxes = ["bwrap", "docker"] as const;

/**
 * The backends `SLIPWAY_REQUIRE_SANDBOXES` (comma-separated; CI sets "bwrap,docker") says this
 * machine has: their absence fails the suite instead of skipping it. A bad name throws one line.
 */
export function requiredSandboxes(value = process.env.SLIPWAY_REQUIRE_SANDBOXES ?? ""): string[] {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(requirableSandboxes as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(
      `SLIPWAY_REQUIRE_SANDBOXES names ${unknown.join(", ")}; use a comma-separated list of ${requirableSandboxes.join(", ")}`,
    );
  return names;
}

export interface SuiteBackend {
  /** The name in the table. */
  label: string;
  /** The backend's registry name (what SLIPWAY_REQUIRE_SANDBOXES names). */
  family: (typeof requirableSandboxes)[number];
  backend: SandboxBackend;
  processSpace: NonNullable<ExecRequest["processSpace"]>;
  /** Why it cannot run here, or false. */
  unavailable: string | false;
}

/** Containers of one suite carry this label, so its after hook sweeps only its own. */
export function suiteDockerLabels(): Record<string, string> {
  return { "slipway.test": `attack-suite-${process.pid}-${randomInt(1e9)}` };
}

/** A backend of the suite before it has a world: its backend is made for the world's data directory. */
export interface SuiteLane extends Omit<SuiteBackend, "backend"> {
  /** The backend, configured with `world`'s data directory (which it must keep from the sandbox). */
  backendFor(world: { dataDir: string }): SandboxBackend;
}

/**
 * The isolating backends, each as the agent's commands use it (`run`); bwrap also as verification
 * uses it (a process space per command).
 */
export async function isolatingLanes(dockerLabels: Record<string, string>): Promise<SuiteLane[]> {
  const bwrapCheck = await bwrapSandboxBackend.availability();
  const bwrapUnavailable = bwrapCheck.available ? false : `bwrap is unavailable here: ${bwrapCheck.reason}`;
  const dockerSkip = await dockerTestSkipReason();
  const bwrapFor = (world: { dataDir: string }) => createBwrapBackend({ dataDir: world.dataDir });
  const dockerFor = (world: { dataDir: string }) =>
    dockerSandboxBackend({
      image: testImage,
      hostToolchainMounts: true,
      labels: dockerLabels,
      dataDir: world.dataDir,
    });
  return [
    {
      label: "bwrap",
      family: "bwrap",
      backendFor: bwrapFor,
      processSpace: "run",
      unavailable: bwrapUnavailable,
    },
    {
      label: "bwrap, own space",
      family: "bwrap",
      backendFor: bwrapFor,
      processSpace: "command",
      unavailable: bwrapUnavailable,
    },
    {
      label: "docker",
      family: "docker",
      backendFor: dockerFor,
      processSpace: "run",
      unavailable: dockerSkip ? `no Docker engine here: ${dockerSkip}` : false,
    },
  ];
}

export interface Row extends Verdict {
  attempt: string;
  backend: string;
}

/**
 * One attempt on one backend: a fresh worktree and sandbox, the attempt, then dispose. A throw is
 * inconclusive; markers are cleared in any case, so none leaks into the next attempt.
 */
export async function runAttempt(world: AttackWorld, entry: SuiteBackend, attempt: Attempt): Promise<Row> {
  clearMarkers(world);
  const verdict = await verdictOf(async () => {
    const attack = await openAttackRun(world, entry.backend, {
      ...attempt,
      processSpace: entry.processSpace,
    });
    try {
      return await attempt.run(attack);
    } finally {
      await attack.dispose();
    }
  });
  const leftover = clearMarkers(world);
  // A marker nobody read is evidence too: something ran on the host that the attempt did not see.
  const row = { attempt: attempt.name, backend: entry.label, ...verdict };
  if (leftover.length > 0 && verdict.outcome === "blocked")
    return { ...row, outcome: "breached", evidence: `unread markers on the host: ${leftover.join(", ")}` };
  return row;
}

const shown: Record<Outcome, string> = { blocked: "yes", breached: "NO", inconclusive: "??" };

/** `rows` of lanes that ran at once, in the order of `backends` and then of `attempts`. */
export function inOrder(rows: Row[], backends: string[], attempts: string[]): Row[] {
  // A name in neither list (none is expected) goes last rather than first.
  const rank = (list: string[], name: string) => {
    const index = list.indexOf(name);
    return index === -1 ? list.length : index;
  };
  return rows.toSorted(
    (a, b) =>
      rank(backends, a.backend) - rank(backends, b.backend) ||
      rank(attempts, a.attempt) - rank(attempts, b.attempt),
  );
}

export function renderTable(rows: Row[]): string {
  const header = ["attempt", "backend", "blocked", "evidence"];
  const body = rows.map((row) => [row.attempt, row.backend, shown[row.outcome], row.evidence]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...body].map((cells) => cells[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n");
}
