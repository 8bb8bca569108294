// The `docker` backend: one long-lived, locked-down container per run (no network, read-only root,
// capped memory, pids and CPUs) with the worktree at its own path. The platform's helpers (init,
// wrappers, watchdogs, reaper, bridge) run as the container's root with only KILL/SETUID/SETGID; each
// command runs as the agent's uid (unused on the host) in its own process group, and everything of
// that uid is ended after each command and by killAll. Allowed hosts go through the egress proxy.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import { SandboxError, SlipwayError } from "../../core/errors.ts";
import { resolveInside } from "../../workspace/paths.ts";
import type { EgressSettings, SandboxEgress } from "../egress/sandbox-egress.ts";
import {
  defaultMaxFileMb,
  type ExecRequest,
  type ExecResult,
  type Sandbox,
  type SandboxBackend,
  type SandboxOptions,
} from "../sandbox.ts";
import { sandboxEnvironment, withPathFirst } from "../sandbox-env.ts";
import { notStartedResult } from "../spawn-capped.ts";
import { insidePath } from "../worktree-mount-path.ts";
import { nothingToStop, reaperArgv, reaperRounds, stopArgv, wrappedArgv } from "./command-wrapper.ts";
import { containerDefinition, sandboxHome } from "./container-config.ts";
import { setUpContainer } from "./container-setup.ts";
import type { BridgeProgram } from "./docker-egress.ts";
import {
  connectEngine,
  controlTimeoutMs,
  defaultSocketPath,
  engineMessage,
  engineUnreachableReason,
  withinTime,
} from "./docker-engine.ts";
import { runHelper, runInContainer } from "./docker-exec.ts";
import { processStartTime, runLabels } from "./leftover-containers.ts";
import type { HeartbeatSettings, OwnerHeartbeat } from "./owner-heartbeat.ts";
import { localImage, removeContainer, startContainer } from "./sandbox-container.ts";
import { prepareSandbox, releasePrepared } from "./sandbox-preparation.ts";
import type { WorktreeAccess } from "./worktree-owner.ts";
import type { WorktreeParents } from "./worktree-parents.ts";

/** Settings of one docker backend instance. */
export interface DockerBackendOptions {
  /** The image every sandbox runs, present locally: Slipway never pulls. E.g. `node:24`. */
  image: string;
  /** The engine's Unix socket; default /var/run/docker.sock. */
  socketPath?: string;
  /**
   * Mount the host's /usr, /lib… and its node installation read-only over the image, and use the
   * host's PATH: for a minimal image without a toolchain of its own. Default false.
   */
  hostToolchainMounts?: boolean;
  /** Slipway's data directory: no host toolchain mount may expose it. Default ~/.slipway. */
  dataDir?: string;
  /** CPUs each sandbox may use; default 2. */
  cpus?: number;
  /** Extra labels on every sandbox container (to narrow a leftover sweep to one installation). */
  labels?: Record<string, string>;
  /**
   * Egress proxy settings for sandboxes with allowed hosts, and the bridge programs to try in the
   * container, in order (default socat, then node).
   */
  egress?: EgressSettings & { bridges?: readonly BridgeProgram[] };
  /** How often the owner beats and how many missed beats stop the container (see owner-heartbeat). */
  heartbeat?: HeartbeatSettings;
}

const defaultCpus = 2;
/** How long a stop waits for a command's wrapper to record its process group. */
const recordWaitMs = 2_000;

interface DockerSandboxParts {
  container: Docker.Container;
  worktree: string;
  realWorktree: string;
  access: WorktreeAccess;
  /** PATH inside: the image's, or the host's entries that the toolchain mounts make exist inside. */
  insidePath: string;
  /** PATH of the platform's root helpers: nothing under a directory the agent can write. */
  helperPath: string;
  /** The egress proxy, when the sandbox allows hosts. */
  egress: SandboxEgress | undefined;
  /** The owner's heartbeat, which keeps the container alive. */
  heartbeat: OwnerHeartbeat;
  /** What covers the top directory of the worktree's path inside, removed with the container. */
  worktreeParents: WorktreeParents | undefined;
}

/** One sandbox: a running container for one worktree; `dispose()` removes it. */
export class DockerSandbox implements Sandbox {
  readonly backend = "docker";
  readonly worktree: string;
  /** The engine's id of this sandbox's container. */
  readonly containerId: string;
  private readonly parts: DockerSandboxParts;
  private readonly stopAll = new AbortController();
  private readonly running = new Set<Promise<ExecResult>>();
  private disposing: Promise<void> | undefined;

  constructor(parts: DockerSandboxParts) {
    this.parts = parts;
    this.worktree = parts.worktree;
    this.containerId = parts.container.id;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    if (this.disposing)
      throw new SandboxError("this sandbox was disposed; open a new one to run more commands");
    const workingDir = this.insideCwd(request.cwd);
    if (request.signal?.aborted) return notStartedResult(request.command);
    const commandId = randomBytes(8).toString("hex");
    const signal = request.signal
      ? AbortSignal.any([request.signal, this.stopAll.signal])
      : this.stopAll.signal;
    const argv = wrappedArgv({
      commandId,
      identity: this.parts.access.identity,
      workingDir,
      env: withPathFirst(this.environment(request.env), request.pathFirst),
      command: request.command,
      args: request.args,
      timeoutMs: request.timeoutMs,
    });
    const pending = runInContainer({
      container: this.parts.container,
      argv,
      env: { PATH: this.parts.helperPath },
      stdin: request.stdin,
      timeoutMs: request.timeoutMs,
      maxOutputBytes: request.maxOutputBytes,
      signal,
      stop: (name, stopping) => this.stopCommand(commandId, name, stopping),
    });
    this.running.add(pending);
    try {
      return await pending;
    } catch (error) {
      if (SlipwayError.isInstance(error)) throw error;
      throw new SandboxError(
        `could not run ${request.command} in the docker sandbox: ${engineMessage(error)}`,
        {
          details: { container: this.containerId },
          cause: error,
        },
      );
    } finally {
      this.running.delete(pending);
      // Nothing a command started may go on once it is done: the gate must see the tree it leaves.
      if (this.running.size === 0 && !this.disposing) {
        await this.reap().catch(() => {
          // Whatever is left is found again: killAll before the gate, review and commit rejects.
        });
      }
    }
  }

  /** End every process of the agent's (see reaperArgv); rejects when that cannot be shown. */
  private async reap(): Promise<void> {
    let code: number | null;
    try {
      const timeout = AbortSignal.timeout(controlTimeoutMs);
      code = await runHelper(
        this.parts.container,
        reaperArgv(this.parts.access.identity),
        this.parts.helperPath,
        timeout,
      );
    } catch (error) {
      throw new SandboxError(
        `could not end the agent's processes in the docker sandbox: ${engineMessage(error)}`,
        {
          details: { container: this.containerId },
          cause: error,
        },
      );
    }
    if (code === 0) return;
    throw new SandboxError(
      `the agent's processes in docker sandbox ${this.containerId} were still there after ${reaperRounds} rounds of killing (reaper exit ${code}); the run cannot go on safely`,
      { details: { container: this.containerId, exitCode: code } },
    );
  }

  async killAll(): Promise<void> {
    // Once disposed, the container is removed (with everything in it) when dispose resolves; a
    // failed removal rejects here too.
    if (this.disposing) return this.disposing;
    await this.reap();
  }

  /** Kill anything still running and remove the container. Safe to call twice. */
  dispose(): Promise<void> {
    this.disposing ??= this.release();
    return this.disposing;
  }

  private async release(): Promise<void> {
    this.stopAll.abort();
    try {
      // Removing the container kills every process in it, so each running exec's output ends.
      await removeContainer(this.parts.container);
      await Promise.allSettled([...this.running]);
    } finally {
      await releasePrepared(this.parts);
    }
  }

  /** The allowlisted environment (never the platform's own) with the PATH that works inside. */
  private environment(extra: Record<string, string> | undefined): Record<string, string> {
    const host = { ...process.env, PATH: this.parts.insidePath };
    return sandboxEnvironment(sandboxHome, "/tmp", { ...this.parts.egress?.environment, ...extra }, host);
  }

  /**
   * Send `name` to command `commandId`'s process group. Its wrapper records the group within
   * milliseconds of starting, so a missing record is retried only briefly: after that the command
   * has ended (whatever still holds its output left its group, and dies with the container).
   */
  private async stopCommand(commandId: string, name: "TERM" | "KILL", stopping: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([stopping, AbortSignal.timeout(controlTimeoutMs)]);
    const giveUpAt = performance.now() + recordWaitMs;
    while (!signal.aborted && performance.now() < giveUpAt) {
      try {
        const code = await runHelper(
          this.parts.container,
          stopArgv(commandId, name),
          this.parts.helperPath,
          signal,
        );
        if (code !== nothingToStop) return;
      } catch {
        // The container is gone (dispose) or the engine failed: there is nothing left to stop here.
        return;
      }
      await sleep(50, undefined, { signal }).catch(() => undefined);
    }
  }

  /** `cwd` (relative to the worktree, checked not to leave it) as its path inside: the same as outside. */
  private insideCwd(cwd = "."): string {
    const onHost = resolveInside(this.parts.realWorktree, cwd);
    return insidePath(this.parts.realWorktree, path.relative(this.parts.realWorktree, onHost));
  }
}

/**
 * Check that the image is present locally (first, before anything else), then start the sandbox's
 * container for `options.worktree`. Throws SandboxError saying what to do when it cannot.
 */
export async function createDockerSandbox(
  options: SandboxOptions,
  settings: DockerBackendOptions,
): Promise<DockerSandbox> {
  const prepared = await prepareSandbox(options, settings);
  try {
    const definition = containerDefinition({
      image: settings.image,
      name: `slipway-sandbox-${randomBytes(6).toString("hex")}`,
      worktree: prepared.realWorktree,
      worktreeParents: prepared.worktreeParents,
      identity: prepared.access.identity,
      memoryMb: options.memoryMb,
      maxProcesses: options.maxProcesses,
      maxFileMb: options.maxFileMb ?? defaultMaxFileMb,
      cpus: settings.cpus ?? defaultCpus,
      readOnlyDirectories: prepared.toolchain?.directories ?? [],
      maskedFiles: prepared.toolchain?.masked ?? [],
      caFiles: prepared.caFiles,
      labels: { ...settings.labels, ...runLabels(options.run) },
      ownerPid: process.pid,
      ownerHost: hostname(),
      ownerStart: processStartTime(process.pid),
      egressSocketDirectory: prepared.egress?.socketDirectory,
      declaredVolumes: prepared.declaredVolumes,
      heartbeat: { directory: prepared.heartbeat.directory, settings: prepared.heartbeat.settings },
      cacheBinds: (options.cacheBinds ?? []).map(({ name, source }) => ({
        source,
        target: path.join(prepared.realWorktree, ".slipway-deps", name),
      })),
    });
    const container = await startContainer(prepared.docker, definition, settings.image, prepared.helperPath);
    await setUpContainer(container, prepared, settings);
    return new DockerSandbox({
      container,
      worktree: options.worktree,
      realWorktree: prepared.realWorktree,
      access: prepared.access,
      insidePath: prepared.insidePath,
      helperPath: prepared.helperPath,
      egress: prepared.egress,
      heartbeat: prepared.heartbeat,
      worktreeParents: prepared.worktreeParents,
    });
  } catch (error) {
    await releasePrepared(prepared);
    throw error;
  }
}

/** A docker backend running `options.image`; availability needs the engine and the image. */
export function dockerSandboxBackend(options: DockerBackendOptions): SandboxBackend {
  const socketPath = options.socketPath ?? defaultSocketPath;
  return {
    name: "docker",
    isolates: true,
    async availability() {
      const docker = connectEngine(socketPath);
      try {
        await withinTime(docker.ping(), 5_000, "the engine");
      } catch (error) {
        return { available: false, reason: engineUnreachableReason(socketPath, error) };
      }
      try {
        await localImage(docker, options.image, socketPath);
        return { available: true };
      } catch (error) {
        return { available: false, reason: SlipwayError.isInstance(error) ? error.message : String(error) };
      }
    },
    create: (sandboxOptions) => createDockerSandbox(sandboxOptions, options),
  };
}
