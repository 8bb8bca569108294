// What `slipway doctor` says about the bwrap backend's host mounts: for each configured toolchain,
// whether its installation is mounted, already under /usr, or skipped and why; and whether each
// extra read-only mount exists. Computed as a sandbox would, with this process's PATH and home.
import { homedir } from "node:os";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { resolveDataDir } from "../config/data-dir.ts";
import { readOnlyMountCredentials, readOnlyMountProblem } from "../sandbox/bwrap/host-mounts.ts";
import { toolchainMounts } from "../sandbox/bwrap/toolchain-mounts.ts";
import { protectedHostPaths } from "../sandbox/mount-safety.ts";

export interface ToolchainCheck {
  name: string;
  /** mounted: its installation is mounted read-only; system: under /usr, there anyway; skipped: not inside. */
  state: "mounted" | "system" | "skipped";
  /** Where it was found on PATH. */
  program?: string;
  /** The host directories mounted for it. */
  directories: string[];
  /** The version manager that installed it (rustup, pyenv), when one did. */
  manager?: string;
  /** Why it is skipped. */
  reason?: string;
}

export interface ReadOnlyMountCheck {
  directory: string;
  ok: boolean;
  /** Why a sandbox cannot mount it (so cannot open) and how to fix that. */
  problem?: string;
}

/** Each configured toolchain and read-only mount as the bwrap backend would resolve them here. */
export function checkBwrapMounts(
  config: SlipwayConfig,
  env: NodeJS.ProcessEnv,
): { toolchains: ToolchainCheck[]; readOnlyMounts: ReadOnlyMountCheck[]; maskedFiles: string[] } {
  const protectedPaths = protectedHostPaths([homedir()], { secrets: [resolveDataDir(config.dataDir, env)] });
  const mounts = toolchainMounts(config.sandbox.toolchains, {
    searchPath: env.PATH ?? "",
    protectedPaths,
    host: { home: homedir(), env },
  });
  const found = new Map(mounts.found.map((toolchain) => [toolchain.name, toolchain]));
  const skipped = new Map(mounts.skipped.map((toolchain) => [toolchain.name, toolchain.reason]));
  const toolchains = config.sandbox.toolchains.map((name): ToolchainCheck => {
    const toolchain = found.get(name);
    if (!toolchain) return { name, state: "skipped", directories: [], reason: skipped.get(name) };
    const state = toolchain.directories.length > 0 ? "mounted" : "system";
    const { program, directories, manager } = toolchain;
    return { name, state, program, directories, manager };
  });
  const readOnlyMounts = config.sandbox.readOnlyMounts.map((directory): ReadOnlyMountCheck => {
    const problem = readOnlyMountProblem(directory, protectedPaths);
    return problem
      ? {
          directory,
          ok: false,
          problem: `${problem}; a bwrap sandbox cannot open until it is fixed or removed`,
        }
      : { directory, ok: true };
  });
  const usable = readOnlyMounts.filter((mount) => mount.ok).map((mount) => mount.directory);
  const inReadOnlyMounts = readOnlyMountCredentials(usable, [...mounts.directories, ...usable]);
  const maskedFiles = [...new Set([...mounts.masked, ...inReadOnlyMounts])].sort();
  return { toolchains, readOnlyMounts, maskedFiles };
}
