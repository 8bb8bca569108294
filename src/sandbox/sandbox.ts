// The sandbox contract: every process that touches a worktree (agent commands, verifiers) runs
// through a Sandbox, so isolation is enforced by the runtime and not by the prompt.
import type { EgressDecision } from "./egress/egress-decision.ts";

/** One command to run inside the sandbox. No shell: `command` is the program, `args` its argv. */
export interface ExecRequest {
  command: string;
  args: string[];
  /** Directory to run in, relative to the worktree root ("" or "." for the root). */
  cwd?: string;
  /** Extra environment, on top of the sandbox's minimal allowlisted environment. */
  env?: Record<string, string>;
  /**
   * Directories (absolute, as seen inside) put first on the command's PATH, before the sandbox's
   * own: e.g. the launcher of the package manager setup pinned (see tools/pinned-manager-path.ts).
   */
  pathFirst?: readonly string[];
  /** Kill the whole process tree after this long. */
  timeoutMs: number;
  /** Keep at most this many bytes of output; the rest is counted, not kept. */
  maxOutputBytes: number;
  stdin?: string;
  signal?: AbortSignal;
  /**
   * `command` (the default): the command gets a process space of its own, which nothing an earlier
   * command started can reach — for verification, whose results the agent's processes must not be
   * able to forge. `run`: the command enters the run's long-lived process space, which is cheaper
   * (bwrap sets up no namespaces per command) — for the agent's own commands. Either way, what a
   * command leaves running is ended before the next one starts. Backends whose every command is
   * started by a trusted engine (docker) treat both alike.
   */
  processSpace?: "command" | "run";
}

export interface ExecResult {
  /** Exit code, or null when the process was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** stdout and stderr interleaved in arrival order, capped at maxOutputBytes. */
  output: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when output beyond maxOutputBytes was dropped. */
  truncated: boolean;
  durationMs: number;
}

/** A sandbox prepared for one run's worktree. */
export interface Sandbox {
  /** Backend name, e.g. `bwrap`, `docker`, `none`. */
  readonly backend: string;
  /** Absolute host path of the worktree this sandbox exposes. */
  readonly worktree: string;
  /**
   * Run one command. Inside, the worktree is at its own real (symlink-free) host path, and the
   * command starts there (or at `cwd` below it), as on a CI runner: absolute paths written inside
   * hold outside. An isolating backend shows nothing else of the host on the way to it.
   */
  exec(request: ExecRequest): Promise<ExecResult>;
  /**
   * End every process started in this sandbox so far, whatever it did to hide (left its process
   * group, became a zombie leader with live threads, was ptraced), and resolve only once none is
   * left. The sandbox stays usable: a later `exec` starts afresh. The pipeline calls it before the
   * gate, review and commit, so nothing of the agent's runs while its work is judged or recorded.
   * Rejects (SandboxError) when it cannot prove that nothing is left: the run must then fail.
   */
  killAll(): Promise<void>;
  /** Kill anything still running and release what the sandbox holds. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface SandboxOptions {
  worktree: string;
  /**
   * Host names (exact, or `*.example.com`) the sandboxed processes may reach through the egress
   * proxy; empty means no network at all.
   */
  allowHosts: string[];
  /** Per-sandbox resource limits. */
  memoryMb: number;
  maxProcesses: number;
  /**
   * Largest file a sandboxed process may write (RLIMIT_FSIZE), default 1024. A sparse file costs
   * no disk but host git hashes all of it when the tree is frozen.
   */
  maxFileMb?: number;
  /**
   * The run (and its attempt) this sandbox serves, when it serves one: docker labels its container
   * with them, so recovery removes it once the run is finished or its lease expired (store lookup).
   */
  run?: { id: string; attempt: number };
  /** Called for each request the egress proxy allows or refuses (for the run trace); must not throw. */
  onEgress?: (decision: EgressDecision) => void;
  /**
   * Docker only: host directories (setup's cache overlays, see offline-caches) bound read-write at
   * `<worktree>/.slipway-deps/<name>` in the container. bwrap sees the host's mounts there instead.
   */
  cacheBinds?: { name: string; source: string }[];
}

/** `SandboxOptions.maxFileMb` when the options do not say. */
export const defaultMaxFileMb = 1024;

export interface SandboxAvailability {
  available: boolean;
  /** Why not, and how to fix it, when not available. */
  reason?: string;
}

/** A sandbox backend: checks whether it can work here and creates sandboxes. */
export interface SandboxBackend {
  readonly name: string;
  /** True only for the backend that gives no isolation (it warns on every run). */
  readonly isolates: boolean;
  availability(): Promise<SandboxAvailability>;
  create(options: SandboxOptions): Promise<Sandbox>;
}
