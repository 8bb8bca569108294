// The `bwrap` backend: a bubblewrap sandbox that sees the worktree at its own path, the system
// toolchains read-only, and nothing else of the host; no network, except the allowed hosts through
// the sandbox's egress proxy. The agent's commands share one long-lived instance, verification's
// get one each; a cgroup per sandbox caps them and ends every process they started on demand.
import { rm } from "node:fs/promises";
import path from "node:path";
import { SandboxError } from "../../core/errors.ts";
import { resolveInside } from "../../workspace/paths.ts";
import type { EgressSettings } from "../egress/sandbox-egress.ts";
import {
  defaultMaxFileMb,
  type ExecRequest,
  type ExecResult,
  type Sandbox,
  type SandboxBackend,
  type SandboxOptions,
} from "../sandbox.ts";
import { sandboxEnvironment, withPathFirst } from "../sandbox-env.ts";
import { spawnCapped } from "../spawn-capped.ts";
import { insidePath } from "../worktree-mount-path.ts";
import { bwrapInvocation, type ProcessLimits } from "./bwrap-arguments.ts";
import { type BwrapEgress, egressArgv, openBwrapEgress } from "./bwrap-egress.ts";
import { type BwrapHost, type BwrapHostCheck, checkBwrapHost } from "./bwrap-host.ts";
import {
  type CommandServerLayout,
  commandServerArgv,
  commandServerLayout,
  withCommandServer,
} from "./command-server-launch.ts";
import type { SessionLaunch } from "./command-session.ts";
import { type MountStep, sandboxUser } from "./mount-step.ts";
import {
  argvInSandboxCgroups,
  closeCommandGroup,
  createSandboxCgroups,
  killSandboxCgroup,
  missingProtections,
  openCommandGroup,
  removeSandboxCgroups,
  type SandboxCgroups,
} from "./sandbox-cgroups.ts";
import { holdSandboxLease } from "./sandbox-leftovers.ts";
import { guardedPaths, prepareScratch, realWorktreeOf } from "./sandbox-scratch.ts";
import { SharedProcessSpace } from "./shared-process-space.ts";
import { defaultToolchainNames } from "./toolchain-mounts.ts";
import { type WeakerProtection, weakerProtectionRefusal } from "./weaker-protections.ts";

/** Settings of one bwrap backend instance (the registry passes `sandbox.toolchains` and `sandbox.readOnlyMounts`). */
export interface BwrapSettings {
  /**
   * Programs on the host PATH whose installation directories are mounted read-only; rustup and
   * pyenv installations in $HOME are recognised and only their toolchain directories mounted.
   */
  toolchains?: string[];
  /** Extra absolute host directories mounted read-only at the same path; never one exposing a secret. */
  readOnlyMounts?: string[];
  /** Slipway's data directory (store, mirrors, worktrees): no mount may expose it. Default ~/.slipway. */
  dataDir?: string;
  /** The bwrap executable; default: `bwrap` on PATH. */
  bwrapPath?: string;
  /** Egress proxy settings (name resolver, limits) for sandboxes with allowed hosts. */
  egress?: EgressSettings;
  /** Protections this host may lack without the sandbox refusing to start (`sandbox.acceptWeaker`). */
  acceptWeaker?: readonly WeakerProtection[];
}

export const defaultToolchains: string[] = [...defaultToolchainNames];

interface BwrapSandboxParts {
  worktree: string;
  realWorktree: string;
  scratchDir: string;
  host: BwrapHost;
  steps: MountStep[];
  options: SandboxOptions;
  cgroups: SandboxCgroups;
  /** The egress proxy and bridge, when the sandbox allows hosts. */
  egress: BwrapEgress | undefined;
  /** Variables the mounted version managers need (RUSTUP_HOME, PYENV_ROOT). */
  toolchainEnvironment: Record<string, string>;
  /** What the shared process space's command server needs mounted, or why it cannot run here. */
  server: CommandServerLayout | { problem: string };
}

function processLimits(host: BwrapHost, options: SandboxOptions): ProcessLimits {
  return {
    prlimitPath: host.prlimitPath,
    memoryMb: options.memoryMb,
    maxProcesses: options.maxProcesses,
    maxFileMb: options.maxFileMb ?? defaultMaxFileMb,
  };
}

/** How long the command server may take to start (node's start-up, on a loaded machine). */
const sharedSpaceStartTimeoutMs = 15_000;

/** The launch of the sandbox's shared process space: bwrap with the command server, or why it cannot run. */
function sharedSpaceLaunch(
  parts: BwrapSandboxParts,
  env: Record<string, string>,
): SessionLaunch | { problem: string } {
  const { host, options, cgroups, egress, server } = parts;
  if ("problem" in server) return server;
  const { argv, options: bwrapOptions } = bwrapInvocation(host.bwrapPath, {
    steps: withCommandServer(parts.steps, server),
    env,
    cwd: parts.realWorktree,
    limits: processLimits(host, options),
    argv: commandServerArgv(server.nodePath, egress?.socatPath),
  });
  return {
    argv: argvInSandboxCgroups(cgroups, argv, cgroups.shared),
    fd3: bwrapOptions,
    env,
    startTimeoutMs: sharedSpaceStartTimeoutMs,
  };
}

/**
 * One sandbox: a worktree, a layout and limits. A command asking for a process space of its own is
 * a new bwrap instance; the agent's commands share one long-lived instance per sandbox.
 */
export class BwrapSandbox implements Sandbox {
  readonly backend = "bwrap";
  readonly worktree: string;
  /** Host directory with this sandbox's synthesized files; removed by dispose(). */
  readonly scratchDir: string;
  private readonly parts: BwrapSandboxParts;
  private readonly stop = new AbortController();
  /** Aborted (and replaced) by killAll(): stops the commands running then, not later ones. */
  private killing = new AbortController();
  private readonly running = new Set<Promise<ExecResult>>();
  private readonly shared: SharedProcessSpace;
  private disposed = false;

  constructor(parts: BwrapSandboxParts) {
    this.parts = parts;
    this.shared = new SharedProcessSpace(sharedSpaceLaunch(parts, this.commandEnvironment(undefined)));
    this.worktree = parts.worktree;
    this.scratchDir = parts.scratchDir;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    if (this.disposed)
      throw new SandboxError("this sandbox was disposed; open a new one to run more commands");
    const pending = this.execSomewhere(request);
    this.running.add(pending);
    try {
      return await pending;
    } finally {
      this.running.delete(pending);
    }
  }

  /** Why commands asking for the run's process space get one of their own instead, if they do. */
  get sharedProcessSpaceProblem(): string | undefined {
    return this.shared.problem;
  }

  private async execSomewhere(request: ExecRequest): Promise<ExecResult> {
    const env = withPathFirst(this.commandEnvironment(request.env), request.pathFirst);
    const stops = [this.stop.signal, this.killing.signal, ...(request.signal ? [request.signal] : [])];
    const signal = AbortSignal.any(stops);
    if (request.processSpace === "run") {
      const cwd = this.insideCwd(request.cwd);
      const result = await this.shared.run({ ...request, cwd, env, signal });
      if (result) return result;
    }
    return this.execInOwnSpace(request, env, signal);
  }

  /** The whole environment of a command: the sandbox's allowlist, the egress variables, the request's. */
  private commandEnvironment(extra: Record<string, string> | undefined): Record<string, string> {
    const { toolchainEnvironment, egress } = this.parts;
    return sandboxEnvironment(sandboxUser.home, "/tmp", {
      ...toolchainEnvironment,
      ...egress?.host.environment,
      ...extra,
    });
  }

  /**
   * A new bwrap instance for this one command: a process space nothing else can reach. Its pid
   * namespace dies with the command; its own kill group, where there is one, is emptied (the kernel
   * confirms it) before the result is returned, so nothing it started outlives it.
   */
  private async execInOwnSpace(
    request: ExecRequest,
    env: Record<string, string>,
    signal: AbortSignal,
  ): Promise<ExecResult> {
    const { host, steps, options, cgroups, egress } = this.parts;
    const { argv, options: bwrapOptions } = bwrapInvocation(host.bwrapPath, {
      steps,
      env,
      cwd: this.insideCwd(request.cwd),
      limits: processLimits(host, options),
      argv: egressArgv(egress, [request.command, ...request.args]),
    });
    const group = await openCommandGroup(cgroups);
    try {
      return await spawnCapped({
        argv: argvInSandboxCgroups(cgroups, argv, group),
        fd3: bwrapOptions,
        // bwrap's own environment is the sandbox's too: /proc/1/environ inside shows nothing else.
        env,
        cwd: "/",
        timeoutMs: request.timeoutMs,
        maxOutputBytes: request.maxOutputBytes,
        stdin: request.stdin,
        signal,
      });
    } finally {
      if (group) await closeCommandGroup(group);
    }
  }

  /**
   * Every command running is stopped and the shared space ended; with a kill cgroup the kernel ends
   * every process of every space at once and confirms none is left. Without one (accepted by
   * `sandbox.acceptWeaker`), the shared space's end is shown by its pid namespace's init having
   * ended; commands of their own space end with theirs, which is not awaited. A SandboxError when
   * the end cannot be shown.
   */
  async killAll(): Promise<void> {
    if (this.disposed) return;
    const killing = this.killing;
    this.killing = new AbortController();
    killing.abort();
    // Without a kill cgroup, the shared space's end is shown by its namespace's init having ended.
    const killed = await killSandboxCgroup(this.parts.cgroups);
    await this.shared.end(!killed);
    await Promise.allSettled([...this.running]);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.stop.abort();
    // The shared space ends with all in it; each command of its own ends once its process group is
    // killed (spawnCapped escalates to SIGKILL).
    await this.shared.close();
    await Promise.allSettled([...this.running]);
    try {
      await removeSandboxCgroups(this.parts.cgroups);
    } finally {
      // Neither step throws (forced removal; close() never rejects), so both always run.
      await this.parts.egress?.host.close();
      await rm(this.scratchDir, { recursive: true, force: true });
    }
  }

  /** `cwd` (relative to the worktree, checked not to leave it) as its path inside: the same as outside. */
  private insideCwd(cwd = "."): string {
    const onHost = resolveInside(this.parts.realWorktree, cwd);
    return insidePath(this.parts.realWorktree, path.relative(this.parts.realWorktree, onHost));
  }
}

/** The sandbox's cgroups, or a refusal when a protection this host cannot give is not accepted. */
async function sandboxCgroups(host: BwrapHost, options: SandboxOptions, settings: BwrapSettings) {
  const cgroups = await createSandboxCgroups(host.needsPidsCgroup, options);
  const refusal = weakerProtectionRefusal(missingProtections(cgroups), settings.acceptWeaker ?? []);
  if (!refusal) return cgroups;
  await removeSandboxCgroups(cgroups);
  throw new SandboxError(refusal, { code: "sandbox_unavailable" });
}

/**
 * Check the host (`checkHost`, by default a fresh check), then prepare a sandbox for
 * `options.worktree`. Throws SandboxError when it cannot.
 */
export async function createBwrapSandbox(
  options: SandboxOptions,
  settings: BwrapSettings = {},
  checkHost: () => Promise<BwrapHostCheck> = () => checkBwrapHost(settings.bwrapPath),
): Promise<BwrapSandbox> {
  const check = await checkHost();
  if (!check.ok) throw new SandboxError(check.reason, { code: "sandbox_unavailable" });
  const realWorktree = realWorktreeOf(options.worktree);
  const egress = await openBwrapEgress(options, settings.egress);
  let scratchDir: string | undefined;
  try {
    const socketDirectory = egress?.host.socketDirectory;
    const { steps, ...scratch } = await prepareScratch(options, realWorktree, settings, socketDirectory);
    scratchDir = scratch.scratchDir;
    const mounted = steps.flatMap((step) => (step.kind === "ro-bind" ? [step.source] : []));
    const guarded = guardedPaths(settings, realWorktree, scratchDir);
    const server = commandServerLayout(guarded, mounted);
    const cgroups = await sandboxCgroups(check.host, options, settings);
    // Renewed while the scratch directory lives: if this process dies, a sweep removes both.
    await holdSandboxLease(scratchDir, cgroups).catch(async (error: unknown) => {
      await removeSandboxCgroups(cgroups);
      throw error;
    });
    const worktree = options.worktree;
    return new BwrapSandbox({
      worktree,
      realWorktree,
      scratchDir,
      host: check.host,
      steps,
      options,
      cgroups,
      egress,
      toolchainEnvironment: scratch.toolchainEnvironment,
      server,
    });
  } catch (error) {
    if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
    await egress?.host.close();
    throw error;
  }
}

/** How long a backend trusts a host check that passed: a run asks at its start and for each sandbox. */
const passedCheckReuseMs = 60_000;

/** A bwrap backend with `settings`; `bwrapSandboxBackend` is the one with the defaults. */
export function createBwrapBackend(settings: BwrapSettings = {}): SandboxBackend {
  // A check starts two processes (bwrap --version, a probe sandbox), 20–100 ms on a loaded host,
  // and a run asked twice before its first model call. A passed check is reused for a minute; a
  // failed one is never kept, so a host that was fixed is seen at the next ask.
  let passed: { at: number; check: BwrapHostCheck } | undefined;
  const checkHost = async (): Promise<BwrapHostCheck> => {
    if (passed && Date.now() - passed.at < passedCheckReuseMs) return passed.check;
    const check = await checkBwrapHost(settings.bwrapPath);
    passed = check.ok ? { at: Date.now(), check } : undefined;
    return check;
  };
  return {
    name: "bwrap",
    isolates: true,
    async availability() {
      const check = await checkHost();
      return check.ok ? { available: true } : { available: false, reason: check.reason };
    },
    create: (options) => createBwrapSandbox(options, settings, checkHost),
  };
}

export const bwrapSandboxBackend: SandboxBackend = createBwrapBackend();
