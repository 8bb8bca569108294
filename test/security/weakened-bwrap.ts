// Test-only: a bwrap backend with one protection removed, to show that the attack attempt proving
// that protection turns to "breached" (or, with `no-run`, that every attempt notices nothing ran).
// It is a `bwrapPath` shim: bwrap reads its options from descriptor 3 (`--args 3`); the shim reads
// them, rewrites them (or the limits after `--`, or its own cgroups), and execs the real bwrap.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { createBwrapBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { findOnPath } from "../../src/sandbox/bwrap/toolchain-mounts.ts";
import type { SandboxBackend } from "../../src/sandbox/sandbox.ts";

/** Each names the protection it removes; the attempts say which one they prove (`Attempt.proves`). */
export const weakenings = [
  "no-run", // bwrap fails before the command: every attempt must come out inconclusive
  "network", // no network namespace: the host's interfaces and loopback
  "host-root", // the host's / bound writable at / (only the worktree, /proc, /dev and /tmp kept)
  "pid", // no pid namespace, the host's /proc
  "unsandboxed", // the command runs on the host as the platform does (limits and environment kept)
  "process-cap", // the pids cgroup and RLIMIT_NPROC raised 4×
  "memory-cap", // the memory cgroup and RLIMIT_DATA raised 4×
  "tmpfs-size", // /tmp and $HOME tmpfs without --size
  "userns", // without --disable-userns
  "no-kill", // own session, out of the sandbox's cgroups, no --die-with-parent: the platform's kill misses it
  "escape", // no-kill, and no pid namespace either: nothing ends a process when its command does
] as const;
export const Weakening = z.enum(weakenings);
export type Weakening = z.infer<typeof Weakening>;

/**
 * Weakenings that share the host's pid namespace. Never in the run's shared space: its command
 * server's reaper sends kill(-1) after each command, which would then reach every host process of
 * the platform's uid.
 */
export const sharesHostPids: readonly Weakening[] = ["pid", "unsandboxed", "escape"];

/** The weakening `SLIPWAY_ATTACK_WEAKEN` asks for, if any; a bad name throws one line naming the choices. */
export function weakeningFromEnv(value: string | undefined): Weakening | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed = Weakening.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new Error(`SLIPWAY_ATTACK_WEAKEN=${value} is not a weakening; use one of ${weakenings.join(", ")}`);
}

const python = "/usr/bin/python3";

/** Why a weakened backend cannot be built here, or undefined when it can. */
export function weakenedSkipReason(): string | undefined {
  if (!existsSync(python)) return `${python} is missing: the weakened-bwrap shim is a Python script`;
  if (!findOnPath("bwrap", process.env.PATH ?? "")) return "bwrap is not on PATH";
  return undefined;
}

/** Write the shim for `weakening` into `directory` (escaped processes are recorded under it). */
export function weakenedBwrapBackend(
  weakening: Weakening,
  directory: string,
  settings: { dataDir: string },
): SandboxBackend {
  const real = findOnPath("bwrap", process.env.PATH ?? "");
  if (!real) throw new Error("bwrap is not on PATH: the weakened backend wraps it");
  mkdirSync(path.join(directory, "escaped"), { recursive: true });
  const shim = path.join(directory, `bwrap-${weakening}`);
  const source = readFileSync(new URL("./weakened-bwrap.py", import.meta.url), "utf8");
  writeFileSync(shim, `#!${python}\n${source}`);
  chmodSync(shim, 0o755);
  // The shim learns the real bwrap, the weakening and where to record escapes from its file name's
  // neighbours, not its environment: bwrap's environment is the sandbox's own.
  writeFileSync(
    `${shim}.json`,
    JSON.stringify({ real, weakening, escaped: path.join(directory, "escaped") }),
  );
  return createBwrapBackend({ bwrapPath: shim, dataDir: settings.dataDir });
}

function descendantsOf(roots: number[]): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The ppid is the 4th field after the command name, which may hold spaces: count from ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process exited while the table was read.
    }
  }
  const found = new Set(roots.filter((pid) => parents.has(pid)));
  // Bounded: each pass adds children of what was found; a process table is finite and acyclic.
  for (let pass = 0; pass < 64; pass++) {
    const before = found.size;
    for (const [pid, parent] of parents) if (found.has(parent)) found.add(pid);
    if (found.size === before) break;
  }
  return [...found];
}

/** Kill what the `no-kill` shim let escape (all started by these tests); returns how many were alive. */
export function killEscaped(directory: string): number {
  const escapedDirectory = path.join(directory, "escaped");
  if (!existsSync(escapedDirectory)) return 0;
  const roots = readdirSync(escapedDirectory).map(Number).filter(Number.isInteger);
  const alive = descendantsOf(roots);
  for (const pid of alive) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  return alive.length;
}
