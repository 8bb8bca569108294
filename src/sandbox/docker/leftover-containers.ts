// The crash sweep: removes sandbox containers a platform process left behind (it was killed before
// dispose ran), found by their label and judged by age, by their run's state in the store (a run's
// container), or by whether their owner process still runs (`sandbox exec`'s, which serves no run).
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { SandboxError } from "../../core/errors.ts";
import { processAlive } from "../../core/process-alive.ts";
import {
  ownerHostLabel,
  ownerPidLabel,
  ownerStartLabel,
  runAttemptLabel,
  runIdLabel,
  sandboxLabel,
} from "./container-config.ts";
import {
  ContainerSummary,
  connectEngine,
  controlTimeoutMs,
  engineMessage,
  engineStatus,
} from "./docker-engine.ts";

export interface LeftoverSweepOptions {
  /** Remove every sandbox container at least this old, whoever owns it (0: all of them). */
  maxAgeMs: number;
  socketPath?: string;
  /** Only containers that also carry these labels (e.g. one installation's or one test's). */
  labels?: Record<string, string>;
  /**
   * The store's record of a run (undefined: this store has no such run). Without it, or without
   * the run, a run's container is judged by age only: its lease, never its owner's pid, says
   * whether it is in use.
   */
  lookUpRun?: (runId: string) => Promise<RunRecord | undefined>;
  signal?: AbortSignal;
}

/** What the sweep needs of a stored run. */
export interface RunRecord {
  status: string;
  attempt: number;
}

/** The labels that tie a run's container to the run and attempt it serves. */
export function runLabels(run: { id: string; attempt: number } | undefined): Record<string, string> {
  return run ? { [runIdLabel]: run.id, [runAttemptLabel]: String(run.attempt) } : {};
}

/**
 * Why a run's container is left over, by its run as the store has it (recovery has already
 * expired the leases that ran out): finished, handed back to the queue, or taken by a later attempt.
 */
export function runLeftoverReason(labels: Record<string, string>, run: RunRecord): string | undefined {
  const id = labels[runIdLabel];
  const attempt = Number(labels[runAttemptLabel]);
  if (run.status === "finished") return `its run ${id} is finished`;
  if (run.status === "queued") return `its run ${id}'s lease expired (the run is queued again)`;
  if (Number.isInteger(attempt) && attempt < run.attempt)
    return `its run ${id}'s attempt ${attempt} lost its lease (attempt ${run.attempt} runs now)`;
  return undefined;
}

/** A container the sweep removed, and why. */
export interface RemovedContainer {
  id: string;
  reason: string;
}

/**
 * When process `pid` started (clock ticks since boot, field 22 of /proc/<pid>/stat), or undefined
 * when this host cannot tell (no /proc, or the process is gone).
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    // Gone, or no /proc on this host: the caller falls back to the pid alone.
    return undefined;
  }
}

/** Why `container` is a leftover, or undefined when it may still be in use. Pure but for the pid check. */
export function leftoverReason(
  container: ContainerSummary,
  nowMs: number,
  maxAgeMs: number,
): string | undefined {
  if (nowMs - container.Created * 1000 >= maxAgeMs) return "older than the maximum age";
  const labels = container.Labels ?? {};
  const pid = Number(labels[ownerPidLabel]);
  // An owner pid names a process only on the host that wrote it.
  if (labels[ownerHostLabel] !== hostname() || !Number.isInteger(pid) || pid <= 0) return undefined;
  if (!processAlive(pid)) return `its owner process ${pid} is gone`;
  const start = labels[ownerStartLabel];
  const now = start === undefined ? undefined : processStartTime(pid);
  // Another process took the dead owner's pid: the start times differ.
  return now !== undefined && now !== start
    ? `its owner process ${pid} is gone (the pid was reused)`
    : undefined;
}

/**
 * Why `container` goes: too old; a run's, by the store's record of its run (one this store does not
 * know — another installation's on the same engine — is left to its own recovery, its age and its
 * heartbeat, never judged by a pid); else, `sandbox exec`'s, by its owner process.
 */
async function sweepReason(
  container: ContainerSummary,
  options: LeftoverSweepOptions,
): Promise<string | undefined> {
  const labels = container.Labels ?? {};
  const runId = labels[runIdLabel];
  if (runId === undefined) return leftoverReason(container, Date.now(), options.maxAgeMs);
  if (Date.now() - container.Created * 1000 >= options.maxAgeMs) return "older than the maximum age";
  // A store that cannot answer for one run leaves its container for the next sweep, not the rest.
  const run = await options.lookUpRun?.(runId).catch(() => undefined);
  return run ? runLeftoverReason(labels, run) : undefined;
}

/**
 * Remove sandbox containers (label `slipway.sandbox=1`) at least `maxAgeMs` old, those of runs that
 * are finished or lost their lease (with `lookUpRun`), and those with no run whose owner process
 * on this host has exited. Returns what it removed and why. Throws SandboxError when the engine cannot be asked.
 */
export async function removeLeftoverContainers(options: LeftoverSweepOptions): Promise<RemovedContainer[]> {
  const docker = connectEngine(options.socketPath);
  const signal = AbortSignal.any([
    AbortSignal.timeout(controlTimeoutMs),
    ...(options.signal ? [options.signal] : []),
  ]);
  const labelFilters = [
    `${sandboxLabel}=1`,
    ...Object.entries(options.labels ?? {}).map(([name, value]) => `${name}=${value}`),
  ];
  let listed: unknown;
  try {
    listed = await docker.listContainers({
      all: true,
      filters: { label: labelFilters },
      abortSignal: signal,
    });
  } catch (error) {
    throw new SandboxError(`could not list sandbox containers: ${engineMessage(error)}`, { cause: error });
  }
  const removed: RemovedContainer[] = [];
  for (const container of ContainerSummary.array().parse(listed)) {
    const reason = await sweepReason(container, options);
    if (!reason) continue;
    try {
      await docker.getContainer(container.Id).remove({ force: true, v: true, abortSignal: signal });
      removed.push({ id: container.Id, reason });
    } catch (error) {
      // Already gone (404) or being removed by its owner (409): either way it is not left over.
      const status = engineStatus(error);
      if (status !== 404 && status !== 409) {
        throw new SandboxError(
          `could not remove sandbox container ${container.Id}: ${engineMessage(error)}`,
          {
            cause: error,
          },
        );
      }
    }
  }
  return removed;
}
