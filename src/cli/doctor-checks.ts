// What `slipway doctor` checks on this machine: each sandbox backend (works, or why not and how to
// fix it), the bwrap backend's toolchain mounts, and the node and git Slipway needs. Gathering
// here; formatting in command-doctor.ts.
import { homedir } from "node:os";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { resolveDataDir } from "../config/data-dir.ts";
import {
  type BwrapKillMode,
  type BwrapLimitModes,
  bwrapKillMode,
  bwrapLimitModes,
  tmpfsCaps,
} from "../sandbox/bwrap/bwrap-limit-modes.ts";
import { probeSharedProcessSpace, type SharedSpaceProbe } from "../sandbox/bwrap/shared-space-probe.ts";
import { type WeakerProtection, weakerProtectionRefusal } from "../sandbox/bwrap/weaker-protections.ts";
import { configuredBwrapSettings, configuredSandboxBackends } from "../sandbox/registry.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import { runGit } from "../workspace/git.ts";
import { runVolumeProblem } from "../workspace/run-volume.ts";
import { checkForge } from "./doctor-forge.ts";
import { checkModel } from "./doctor-model.ts";
import { nextSteps } from "./doctor-next.ts";
import { checkPinnedManager } from "./doctor-package-manager.ts";
import type { DoctorFinding } from "./doctor-request.ts";
import { checkBwrapMounts, type ReadOnlyMountCheck, type ToolchainCheck } from "./doctor-toolchains.ts";

export interface BackendCheck {
  name: string;
  isolates: boolean;
  works: boolean;
  /** Why it does not work here and how to fix it (the backend's own words). */
  reason?: string;
}

export interface ToolCheck {
  name: "node" | "git";
  version?: string;
  ok: boolean;
  /** What is wrong and how to fix it. */
  problem?: string;
}

/** Whether runs get a disk quota here (a volume per run), and whether runs may start without one. */
export interface DiskQuotaCheck {
  /** `sandbox.diskMb`. */
  diskMb: number;
  /** Why this host cannot make run volumes, when it cannot. */
  problem?: string;
  /** `sandbox.acceptWeaker` lists `disk-quota`. */
  accepted: boolean;
}

export interface DoctorReport {
  diskQuota: DiskQuotaCheck;
  /** True when Slipway runs as root (docker then gives the agent a uid of its own). */
  platformIsRoot: boolean;
  /** The configured sandbox limits. */
  limits: { maxProcesses: number; memoryMb: number; maxFileMb: number };
  tools: ToolCheck[];
  backends: BackendCheck[];
  /** The bwrap backend's toolchains (`sandbox.toolchains`): mounted, under /usr, or skipped and why. */
  toolchains: ToolchainCheck[];
  /** The bwrap backend's extra read-only mounts (`sandbox.readOnlyMounts`) and whether each can be mounted. */
  readOnlyMounts: ReadOnlyMountCheck[];
  /** Credential files inside the bwrap backend's read-only mounts, hidden by an empty file inside. */
  maskedFiles: string[];
  /** How bwrap caps processes and memory here (cgroups as root, rlimits otherwise). */
  bwrapLimits: BwrapLimitModes;
  /** How bwrap ends every process of a sandbox here (cgroup.kill, or the pid namespace and the reaper). */
  bwrapKill: BwrapKillMode;
  /** The size caps of a bwrap sandbox's private /tmp and $HOME, and whose memory they use. */
  bwrapTmpfs: string;
  /** Protections bwrap cannot give here, and the one-line refusal when the configuration does not accept them. */
  bwrapProtections: BwrapProtections;
  /** Whether the agent's commands can share one bwrap sandbox per run; absent when bwrap does not work. */
  bwrapSharedSpace?: SharedSpaceProbe;
  /** `sandbox.backend` from the configuration (`auto` or a name). */
  configuredBackend: string;
  /** The backend a run would use with this configuration, when one would work. */
  runsWith?: string;
  /** True when at least one isolating backend works. */
  ok: boolean;
  /** The model (key variable, reachability) and forge (token, whom it acts as, permissions) checks. */
  findings: DoctorFinding[];
  /** What to do next, most blocking first. */
  next: string[];
}

export interface BwrapProtections {
  missing: WeakerProtection[];
  /** `sandbox.acceptWeaker`. */
  accepted: WeakerProtection[];
  /** Why a run on bwrap refuses to start here, when it does. */
  refusal?: string;
}

/** What bwrap lacks here (from the probes), and whether the configuration accepts it. */
export function bwrapProtections(
  limits: BwrapLimitModes,
  kill: BwrapKillMode,
  accepted: WeakerProtection[],
): BwrapProtections {
  const missing: WeakerProtection[] = [];
  if (!limits.wholeSandboxMemory) missing.push("memory-cgroup");
  if (!kill.proven) missing.push("kill-cgroup");
  return { missing, accepted, refusal: weakerProtectionRefusal(missing, accepted) };
}

const minimumNodeMajor = 24;
/** `--end-of-options`, which the git tool relies on, arrived in git 2.24. */
const minimumGit = [2, 24] as const;

export function checkNode(version: string = process.version): ToolCheck {
  const major = Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
  if (major >= minimumNodeMajor) return { name: "node", version, ok: true };
  return {
    name: "node",
    version,
    ok: false,
    problem: `Slipway needs Node.js ${minimumNodeMajor} or newer; install it (e.g. \`npm install node@${minimumNodeMajor}\` or from nodejs.org)`,
  };
}

/** `git version 2.39.5` → "2.39.5", judged against the minimum. */
export function judgeGitVersion(output: string): ToolCheck {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(output);
  if (!match)
    return { name: "git", ok: false, problem: `could not read git's version from "${output.trim()}"` };
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const recent = major > minimumGit[0] || (major === minimumGit[0] && minor >= minimumGit[1]);
  if (recent) return { name: "git", version: match[0], ok: true };
  return {
    name: "git",
    version: match[0],
    ok: false,
    problem: `git ${match[0]} is too old (Slipway needs ${minimumGit.join(".")} or newer); upgrade git`,
  };
}

async function checkGit(): Promise<ToolCheck> {
  try {
    const { stdout } = await runGit(["--version"], { timeoutMs: 10_000 });
    return judgeGitVersion(stdout);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { name: "git", ok: false, problem: `${reason}; install git (\`apt-get install git\`)` };
  }
}

async function checkBackend(backend: SandboxBackend): Promise<BackendCheck> {
  const availability = await backend.availability();
  return {
    name: backend.name,
    isolates: backend.isolates,
    works: availability.available,
    reason: availability.available ? undefined : availability.reason,
  };
}

/**
 * The backend a run would take: the configured one when it works, `auto`'s first isolating one
 * (bwrap refusing for a protection it lacks stops the run; `auto` does not pass it over).
 */
function backendForRuns(
  configured: string,
  backends: BackendCheck[],
  bwrapRefuses: boolean,
): string | undefined {
  const chosen = chosenBackend(configured, backends);
  return chosen === "bwrap" && bwrapRefuses ? undefined : chosen;
}

function chosenBackend(configured: string, backends: BackendCheck[]): string | undefined {
  if (configured === "auto") return backends.find((backend) => backend.isolates && backend.works)?.name;
  return backends.find((backend) => backend.name === configured && backend.works)?.name;
}

/** Check everything, the backends at the same time. */
export async function runDoctorChecks(config: SlipwayConfig): Promise<DoctorReport> {
  const dataDir = resolveDataDir(config.dataDir, process.env);
  const registry = configuredSandboxBackends(config.sandbox, dataDir);
  const [git, backends, bwrapLimits, bwrapKill, modelFindings, forgeFindings] = await Promise.all([
    checkGit(),
    Promise.all([...registry.values()].map(checkBackend)),
    bwrapLimitModes(config.sandbox.maxProcesses, config.sandbox.memoryMb),
    bwrapKillMode(),
    checkModel(config, process.env),
    checkForge(config, process.env),
  ]);
  // The project doctor runs in: a pinned pnpm/yarn that is only corepack's shim fails every check offline.
  const managerFindings = await checkPinnedManager(process.cwd(), process.env, homedir());
  const protections = bwrapProtections(bwrapLimits, bwrapKill, config.sandbox.acceptWeaker);
  const bwrapWorks = backends.some((backend) => backend.name === "bwrap" && backend.works);
  const bwrapSharedSpace =
    bwrapWorks && !protections.refusal
      ? await probeSharedProcessSpace(config.sandbox, configuredBwrapSettings(config.sandbox, dataDir))
      : undefined;
  const diskQuota = {
    diskMb: config.sandbox.diskMb,
    problem: runVolumeProblem(),
    accepted: config.sandbox.acceptWeaker.includes("disk-quota"),
  };
  const diskRefuses = diskQuota.problem !== undefined && !diskQuota.accepted;
  const tools = [checkNode(), git];
  const runsWith = diskRefuses
    ? undefined
    : backendForRuns(config.sandbox.backend, backends, protections.refusal !== undefined);
  const ok = backends.some((backend) => backend.isolates && backend.works);
  const findings = [...modelFindings, ...forgeFindings, ...managerFindings];
  const toolProblems = tools.flatMap((tool) => (tool.problem ? [tool.problem] : []));
  return {
    diskQuota,
    platformIsRoot: process.getuid?.() === 0,
    limits: {
      maxProcesses: config.sandbox.maxProcesses,
      memoryMb: config.sandbox.memoryMb,
      maxFileMb: config.sandbox.maxFileMb,
    },
    tools,
    backends,
    bwrapLimits,
    bwrapKill,
    bwrapTmpfs: tmpfsCaps(config.sandbox.memoryMb, bwrapLimits.wholeSandboxMemory),
    bwrapProtections: protections,
    bwrapSharedSpace,
    ...checkBwrapMounts(config, process.env),
    configuredBackend: config.sandbox.backend,
    runsWith,
    ok,
    findings,
    next: nextSteps({ findings, sandboxWorks: ok, runsWith, toolProblems }),
  };
}
