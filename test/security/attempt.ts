// What one attack attempt is and what it reports: blocked, breached or inconclusive, with evidence.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import type { ExecResult } from "../../src/sandbox/sandbox.ts";
import type { AttackRun } from "./attack-world.ts";
import type { Weakening } from "./weakened-bwrap.ts";

/**
 * blocked: the attempt ran, its target was really there, and the wall refused it.
 * breached: the attempt got what it wanted (a file planted, a secret read, a limit passed).
 * inconclusive: the evidence cannot tell, e.g. the command never ran or the target was absent;
 * it fails the suite like a breach, since a wall that was never tried proves nothing.
 */
export type Outcome = "blocked" | "breached" | "inconclusive";

export interface Verdict {
  outcome: Outcome;
  /** One line on what happened (the error seen inside, what was checked on the host). */
  evidence: string;
}

export interface Attempt {
  name: string;
  /**
   * The protection the attempt proves, named as the weakening that removes it (see
   * weakened-bwrap.ts), or `platform` for walls on the host side that a sandbox weakening cannot remove.
   */
  proves: Weakening | "platform";
  /** Weakenings under which the attempt would harm the machine (e.g. `kill -9 -1` with no pid namespace). */
  unsafeWhen?: Weakening[];
  /** The source branch the attempt's worktree starts from (default: main). */
  baseRef?: string;
  /** Sandbox limits other than the configuration's defaults, for this attempt only. */
  limits?: { memoryMb?: number; maxProcesses?: number; maxFileMb?: number };
  run(attack: AttackRun): Promise<Verdict>;
}

/** A command's result, and whether it ran: it printed its start nonce before anything else. */
export interface AttackResult extends ExecResult {
  ran: boolean;
}

/** `result` with the nonce's line taken out, and whether it came first (the command really ran). */
export function withoutNonce(result: ExecResult, nonce: string): AttackResult {
  const strip = (text: string) => text.replace(`${nonce}\n`, "");
  return {
    ...result,
    ran: result.stdout.startsWith(`${nonce}\n`),
    output: strip(result.output),
    stdout: strip(result.stdout),
  };
}

export const blocked = (evidence: string): Verdict => ({ outcome: "blocked", evidence });
export const breached = (evidence: string): Verdict => ({ outcome: "breached", evidence });
export const inconclusive = (evidence: string): Verdict => ({ outcome: "inconclusive", evidence });

/** A name no earlier attempt used, for files an attempt tries to plant. */
export function plantName(): string {
  return `slipway-attack-${randomBytes(6).toString("hex")}`;
}

/** The output's first line that says something, shortened for the table. */
export function gist(output: string, max = 90): string {
  const line =
    output
      .split("\n")
      .map((text) => text.trim())
      .find((text) => text !== "") ?? "(no output)";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The host paths among `paths` that exist; each is removed so a failed wall harms nothing later. */
export function plantedOnHost(paths: string[]): string[] {
  const found = paths.filter((file) => existsSync(file));
  for (const file of found) rmSync(file, { recursive: true, force: true });
  return found;
}

/** The platform can still start a process: it was not starved of pids, memory or its own life. */
export function platformCanSpawn(): boolean {
  return spawnSync("true", [], { timeout: 10_000 }).status === 0;
}

/** Inconclusive when the sandboxed command never printed its start nonce: nothing was attempted. */
export function notRun(result: AttackResult): Verdict | undefined {
  if (result.ran) return undefined;
  return inconclusive(`the command never ran: ${gist(result.output, 70)}`);
}

/**
 * Blocked when the command ran, wrote its control file in the worktree (so writes do work) and
 * nothing was planted on the host; the evidence is what the sandbox said, or what leaked.
 */
export function nothingPlanted(planted: string[], result: AttackResult): Verdict {
  if (planted.length > 0) return breached(`changed on the host: ${planted.join(", ")}`);
  return notRun(result) ?? blocked(gist(result.output));
}

/**
 * Blocked when the command ran and none of `secrets` shows in its output; `present` is the host's
 * own check that the secret really is where the attempt looks (inconclusive otherwise).
 */
export function nothingLeaked(
  result: AttackResult,
  secrets: string[],
  what: string,
  present: boolean,
): Verdict {
  const leaked = secrets.filter((secret) => result.output.includes(secret));
  if (leaked.length > 0) return breached(`${what} printed inside the sandbox`);
  const didNotRun = notRun(result);
  if (didNotRun) return didNotRun;
  if (!present) return inconclusive(`${what} is not where the attempt looks, on the host either`);
  const lines = result.output.split("\n").filter((line) => line.trim() !== "").length;
  return blocked(`not in ${lines} lines of output; ${gist(result.output, 60)}`);
}

/** Run `work`, and turn an exception into an inconclusive verdict: a throw proves no wall. */
export async function verdictOf(work: () => Promise<Verdict>): Promise<Verdict> {
  try {
    return await work();
  } catch (error) {
    return inconclusive(
      `the attempt itself failed: ${gist(error instanceof Error ? error.message : String(error))}`,
    );
  }
}
