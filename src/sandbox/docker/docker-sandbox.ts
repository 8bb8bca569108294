// The `docker` backend: one long-lived, locked-down container per run (no network, read-only root,
// unprivileged, capped memory, pids and CPUs) with the worktree at /workspace; each command is an
// exec in it, run in its own process group so a timeout or abort can end everything it started.
// Allowed hosts are reached through the sandbox's egress proxy, bridged into the container.
import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { homedir, hostname } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import { SandboxError, SlipwayError } from "../../core/errors.ts";
import { resolveInside } from "../../workspace/paths.ts";
import { type EgressSettings, openSandboxEgress, type SandboxEgress } from "../egress/sandbox-egress.ts";
import { protectedHostPaths } from "../mount-safety.ts";
import type { ExecRequest, ExecResult, Sandbox, SandboxBackend, SandboxOptions } from "../sandbox.ts";
import { sandboxEnvironment } from "../sandbox-env.ts";
import { notStartedResult } from "../spawn-capped.ts";
import { nothingToStop, reaperArgv, stopArgv, wrappedArgv } from "./command-wrapper.ts";
import {
  containerDefinition,
  controlDirectory,
  sandboxHome,
  userSetting,
  workspacePath,
} from "./container-config.ts";
import { type BridgeProgram, startContainerBridge } from "./docker-egress.ts";
import {
  connectEngine,
  controlTimeoutMs,
  defaultSocketPath,
  engineMessage,
  engineUnreachableReason,
  imageEnvironmentValue,
  withinTime,
} from "./docker-engine.ts";
import { runHelper, runInContainer } from "./docker-exec.ts";
import { hostToolchain } from "./host-toolchain.ts";
import { localImage, removeContainer, startContainer } from "./sandbox-container.ts";
import { grantWorktreeAccess, revokeWorktreeAccess, type WorktreeAccess } from "./worktree-owner.ts";

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
}

const defaultCpus = 2;
/** How long a stop waits for a command's wrapper to record its process group. */
const recordWaitMs = 2_000;
/** PATH inside when the image does not declare one. */
const fallbackPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

interface DockerSandboxParts {
  container: Docker.Container;
  worktree: string;
  realWorktree: string;
  access: WorktreeAccess;
  /** PATH inside: the image's, or the host's entries that the toolchain mounts make exist inside. */
  insidePath: string;
  /** The egress proxy, when the sandbox allows hosts. */
  egress: SandboxEgress | undefined;
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
    const pending = runInContainer({
      container: this.parts.container,
      argv: wrappedArgv(commandId, request.command, request.args, request.timeoutMs),
      user: userSetting(this.parts.access.identity),
      env: this.environment(request.env),
      workingDir,
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
      if (this.running.size === 0 && !this.disposing) await this.reapLeftovers();
    }
  }

  /** Kill what finished commands left running outside their process groups (see reaperArgv). */
  private async reapLeftovers(): Promise<void> {
    const user = userSetting(this.parts.access.identity);
    try {
      await runHelper(
        this.parts.container,
        reaperArgv(controlDirectory),
        user,
        AbortSignal.timeout(controlTimeoutMs),
      );
    } catch {
      // The container is gone (disposed meanwhile) or the engine failed: dispose removes everything.
    }
  }

  async killAll(): Promise<void> {
    if (this.disposing) return;
    await this.reapLeftovers();
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
      await this.parts.egress?.close();
      await revokeWorktreeAccess(this.parts.realWorktree, this.parts.access);
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
    const user = userSetting(this.parts.access.identity);
    const giveUpAt = performance.now() + recordWaitMs;
    while (!signal.aborted && performance.now() < giveUpAt) {
      try {
        const code = await runHelper(this.parts.container, stopArgv(commandId, name), user, signal);
        if (code !== nothingToStop) return;
      } catch {
        // The container is gone (dispose) or the engine failed: there is nothing left to stop here.
        return;
      }
      await sleep(50, undefined, { signal }).catch(() => undefined);
    }
  }

  /** `cwd` (relative to the worktree, checked not to leave it) as a path under /workspace. */
  private insideCwd(cwd = "."): string {
    const onHost = resolveInside(this.parts.realWorktree, cwd);
    const relative = path.relative(this.parts.realWorktree, onHost);
    return relative ? path.posix.join(workspacePath, ...relative.split(path.sep)) : workspacePath;
  }
}

function realWorktreeOf(worktree: string): string {
  try {
    return realpathSync(worktree);
  } catch (error) {
    throw new SandboxError(`the worktree ${worktree} does not exist; create it before opening a sandbox`, {
      details: { worktree },
      cause: error,
    });
  }
}

/** Start the egress bridge in `container`; the container is removed when it cannot start. */
async function withBridge(container: Docker.Container, user: string, settings: DockerBackendOptions) {
  try {
    await startContainerBridge(container, user, settings.image, settings.egress?.bridges);
  } catch (error) {
    await removeContainer(container).catch(() => {
      // The bridge failure is the one to report; a leftover is found later by removeLeftoverContainers.
    });
    throw error;
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
  const docker = connectEngine(settings.socketPath);
  const socketPath = settings.socketPath ?? defaultSocketPath;
  const image = await localImage(docker, settings.image, socketPath);
  const realWorktree = realWorktreeOf(options.worktree);
  const toolchain = settings.hostToolchainMounts
    ? hostToolchain(
        process.env.PATH ?? "",
        protectedHostPaths([homedir()], {
          roots: [realWorktree],
          secrets: settings.dataDir ? [settings.dataDir] : [],
        }),
      )
    : undefined;
  const egress =
    options.allowHosts.length > 0 ? await openSandboxEgress(options, settings.egress) : undefined;
  const access = await grantWorktreeAccess(realWorktree).catch(async (error: unknown) => {
    await egress?.close();
    throw error;
  });
  try {
    const definition = containerDefinition({
      image: settings.image,
      name: `slipway-sandbox-${randomBytes(6).toString("hex")}`,
      worktree: realWorktree,
      identity: access.identity,
      memoryMb: options.memoryMb,
      maxProcesses: options.maxProcesses,
      cpus: settings.cpus ?? defaultCpus,
      readOnlyDirectories: toolchain?.directories ?? [],
      labels: settings.labels ?? {},
      ownerPid: process.pid,
      ownerHost: hostname(),
      egressSocketDirectory: egress?.socketDirectory,
    });
    const container = await startContainer(docker, definition, settings.image);
    if (egress) await withBridge(container, definition.User ?? "", settings);
    const insidePath = (toolchain ? toolchain.path : imageEnvironmentValue(image, "PATH")) || fallbackPath;
    return new DockerSandbox({
      container,
      worktree: options.worktree,
      realWorktree,
      access,
      insidePath,
      egress,
    });
  } catch (error) {
    await egress?.close();
    await revokeWorktreeAccess(realWorktree, access);
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
