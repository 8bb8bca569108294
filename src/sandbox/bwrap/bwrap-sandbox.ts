// The `bwrap` backend: every command runs in a fresh bubblewrap sandbox that sees the worktree at
// /workspace, the system toolchains read-only, and nothing else of the host; no network, except
// the allowed hosts through the sandbox's egress proxy when there are any.
import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { SandboxError } from "../../core/errors.ts";
import { resolveInside } from "../../workspace/paths.ts";
import type { EgressSettings } from "../egress/sandbox-egress.ts";
import type { ExecRequest, ExecResult, Sandbox, SandboxBackend, SandboxOptions } from "../sandbox.ts";
import { sandboxEnvironment } from "../sandbox-env.ts";
import { spawnCapped } from "../spawn-capped.ts";
import { bwrapArguments } from "./bwrap-arguments.ts";
import { type BwrapEgress, egressArgv, openBwrapEgress } from "./bwrap-egress.ts";
import { type BwrapHost, checkBwrapHost } from "./bwrap-host.ts";
import { type MountStep, sandboxUser, workspacePath } from "./mount-step.ts";
import { argvInCgroup, createPidsCgroup, type PidsCgroup, removePidsCgroup } from "./pids-cgroup.ts";
import { writeSyntheticEtc } from "./sandbox-etc.ts";
import { sandboxLayout } from "./sandbox-layout.ts";
import { toolchainMounts } from "./toolchain-mounts.ts";

/** Settings of one bwrap backend instance (the registry uses the defaults). */
export interface BwrapSettings {
  /** Programs on the host PATH whose installation directories are mounted read-only. */
  toolchains?: string[];
  /** The bwrap executable; default: `bwrap` on PATH. */
  bwrapPath?: string;
  /** Egress proxy settings (name resolver, limits) for sandboxes with allowed hosts. */
  egress?: EgressSettings;
}

export const defaultToolchains = ["node", "npm", "npx"];

interface BwrapSandboxParts {
  worktree: string;
  realWorktree: string;
  scratchDir: string;
  host: BwrapHost;
  steps: MountStep[];
  options: SandboxOptions;
  cgroup: PidsCgroup | undefined;
  /** The egress proxy and bridge, when the sandbox allows hosts. */
  egress: BwrapEgress | undefined;
}

/** One sandbox: a worktree, a layout and limits; each exec is a new bwrap instance. */
export class BwrapSandbox implements Sandbox {
  readonly backend = "bwrap";
  readonly worktree: string;
  /** Host directory with this sandbox's synthesized files; removed by dispose(). */
  readonly scratchDir: string;
  private readonly parts: BwrapSandboxParts;
  private readonly stop = new AbortController();
  private readonly running = new Set<Promise<ExecResult>>();
  private disposed = false;

  constructor(parts: BwrapSandboxParts) {
    this.parts = parts;
    this.worktree = parts.worktree;
    this.scratchDir = parts.scratchDir;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    if (this.disposed)
      throw new SandboxError("this sandbox was disposed; open a new one to run more commands");
    const { host, steps, options, cgroup, egress } = this.parts;
    const env = sandboxEnvironment(sandboxUser.home, "/tmp", { ...egress?.host.environment, ...request.env });
    const args = bwrapArguments({
      steps,
      env,
      cwd: this.insideCwd(request.cwd),
      limits: {
        prlimitPath: host.prlimitPath,
        memoryMb: options.memoryMb,
        maxProcesses: options.maxProcesses,
      },
      argv: egressArgv(egress, [request.command, ...request.args]),
    });
    const argv: [string, ...string[]] = [host.bwrapPath, ...args];
    const signal = request.signal ? AbortSignal.any([request.signal, this.stop.signal]) : this.stop.signal;
    const pending = spawnCapped({
      argv: cgroup ? argvInCgroup(cgroup, argv) : argv,
      // bwrap's own environment is the sandbox's too: /proc/1/environ inside shows nothing else.
      env,
      cwd: "/",
      timeoutMs: request.timeoutMs,
      maxOutputBytes: request.maxOutputBytes,
      stdin: request.stdin,
      signal,
    });
    this.running.add(pending);
    try {
      return await pending;
    } finally {
      this.running.delete(pending);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.stop.abort();
    // Each running exec ends once its process group is killed (spawnCapped escalates to SIGKILL).
    await Promise.allSettled([...this.running]);
    try {
      if (this.parts.cgroup) await removePidsCgroup(this.parts.cgroup);
    } finally {
      // Neither step throws (forced removal; close() never rejects), so both always run.
      await this.parts.egress?.host.close();
      await rm(this.scratchDir, { recursive: true, force: true });
    }
  }

  /** `cwd` (relative to the worktree, checked not to leave it) as a path under /workspace. */
  private insideCwd(cwd = "."): string {
    const onHost = resolveInside(this.parts.realWorktree, cwd);
    const relative = path.relative(this.parts.realWorktree, onHost);
    return relative ? path.posix.join(workspacePath, ...relative.split(path.sep)) : workspacePath;
  }
}

async function prepareScratch(
  options: SandboxOptions,
  realWorktree: string,
  settings: BwrapSettings,
  egressSocketDirectory: string | undefined,
) {
  const scratchDir = await mkdtemp(path.join(tmpdir(), "slipway-bwrap-"));
  try {
    const etcDir = path.join(scratchDir, "etc");
    await mkdir(etcDir);
    await writeSyntheticEtc(etcDir);
    const protectedPaths = [homedir(), realWorktree, scratchDir];
    const toolchains = toolchainMounts(
      settings.toolchains ?? defaultToolchains,
      process.env.PATH ?? "",
      protectedPaths,
    );
    const steps = sandboxLayout({
      worktree: realWorktree,
      syntheticEtcDir: etcDir,
      toolchainDirectories: toolchains.directories,
      tmpfsBytes: options.memoryMb * 1024 * 1024,
      egressSocketDirectory,
    });
    return { scratchDir, steps };
  } catch (error) {
    await rm(scratchDir, { recursive: true, force: true });
    throw error;
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

/**
 * The sandbox's cgroups when the caller is root (RLIMIT_NPROC does not bind uid 0): pids always,
 * and memory for all its processes together where the host has a writable memory controller.
 */
async function sandboxCgroup(host: BwrapHost, options: SandboxOptions): Promise<PidsCgroup | undefined> {
  if (!host.needsPidsCgroup) return undefined;
  const name = `slipway-sandbox-${randomBytes(8).toString("hex")}`;
  const cgroup = await createPidsCgroup(name, options.maxProcesses, options.memoryMb);
  if (cgroup) return cgroup;
  throw new SandboxError(
    "Slipway runs as root and no writable pids cgroup is left to cap the sandbox's processes; run Slipway as an unprivileged user, or choose `--sandbox none` to run without isolation",
    { code: "sandbox_unavailable" },
  );
}

/** Check the host, then prepare a sandbox for `options.worktree`. Throws SandboxError when it cannot. */
export async function createBwrapSandbox(
  options: SandboxOptions,
  settings: BwrapSettings = {},
): Promise<BwrapSandbox> {
  const check = await checkBwrapHost(settings.bwrapPath);
  if (!check.ok) throw new SandboxError(check.reason, { code: "sandbox_unavailable" });
  const realWorktree = realWorktreeOf(options.worktree);
  const egress = await openBwrapEgress(options, settings.egress);
  let scratchDir: string | undefined;
  try {
    const socketDirectory = egress?.host.socketDirectory;
    const { steps, ...scratch } = await prepareScratch(options, realWorktree, settings, socketDirectory);
    scratchDir = scratch.scratchDir;
    const cgroup = await sandboxCgroup(check.host, options);
    const worktree = options.worktree;
    return new BwrapSandbox({
      worktree,
      realWorktree,
      scratchDir,
      host: check.host,
      steps,
      options,
      cgroup,
      egress,
    });
  } catch (error) {
    if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
    await egress?.host.close();
    throw error;
  }
}

/** A bwrap backend with `settings`; `bwrapSandboxBackend` is the one with the defaults. */
export function createBwrapBackend(settings: BwrapSettings = {}): SandboxBackend {
  return {
    name: "bwrap",
    isolates: true,
    async availability() {
      const check = await checkBwrapHost(settings.bwrapPath);
      return check.ok ? { available: true } : { available: false, reason: check.reason };
    },
    create: (options) => createBwrapSandbox(options, settings),
  };
}

export const bwrapSandboxBackend: SandboxBackend = createBwrapBackend();
