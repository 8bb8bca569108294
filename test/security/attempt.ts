// What one attack attempt is and what it reports: blocked or not, and the evidence either way.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import type { AttackRun } from "./attack-world.ts";

export interface Verdict {
  /** True when the wall held: the attempt failed and the platform is unharmed. */
  blocked: boolean;
  /** One line on what happened (the error seen inside, what was checked on the host). */
  evidence: string;
}

export interface Attempt {
  name: string;
  /** The source branch the attempt's worktree starts from (default: main). */
  baseRef?: string;
  /** Sandbox limits other than the configuration's defaults, for this attempt only. */
  limits?: { memoryMb?: number; maxProcesses?: number };
  run(attack: AttackRun): Promise<Verdict>;
}

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

/** Blocked when nothing was planted on the host; the evidence is what the sandbox said, or what leaked. */
export function nothingPlanted(planted: string[], output: string): Verdict {
  if (planted.length > 0) return { blocked: false, evidence: `changed on the host: ${planted.join(", ")}` };
  return { blocked: true, evidence: gist(output) };
}

/** Blocked when none of `secrets` shows in the output. */
export function nothingLeaked(output: string, secrets: string[], what: string): Verdict {
  const leaked = secrets.filter((secret) => output.includes(secret));
  if (leaked.length > 0) return { blocked: false, evidence: `${what} printed inside the sandbox` };
  const lines = output.split("\n").filter((line) => line.trim() !== "").length;
  return { blocked: true, evidence: `not in ${lines} lines of output; ${gist(output, 60)}` };
}
