// What of the host a bwrap sandbox sees besides the system directories: the configured toolchains'
// installations and the extra read-only mounts, each checked against the protected paths first.
import { statSync } from "node:fs";
import { SandboxError } from "../../core/errors.ts";
import { credentialFilesIn } from "../credential-files.ts";
import { namedMountProblem, type ProtectedPaths } from "../mount-safety.ts";
import {
  systemDirectories,
  type ToolchainContext,
  type ToolchainMounts,
  toolchainMounts,
} from "./toolchain-mounts.ts";

export interface HostMountSettings {
  /** Programs on PATH whose installations are mounted (`sandbox.toolchains`). */
  toolchains: readonly string[];
  /** Extra absolute host directories mounted read-only at the same path (`sandbox.readOnlyMounts`). */
  readOnlyMounts: readonly string[];
}

/** Why a `sandbox.readOnlyMounts` entry cannot be mounted on this host, or undefined when it can. */
export function readOnlyMountProblem(directory: string, protectedPaths: ProtectedPaths): string | undefined {
  const unsafe = namedMountProblem(directory, protectedPaths);
  if (unsafe) return unsafe;
  try {
    return statSync(directory).isDirectory() ? undefined : "it is not a directory";
  } catch {
    return "it does not exist on this host";
  }
}

/**
 * The toolchain mounts plus the read-only mounts. Throws a SandboxError naming the key when a
 * read-only mount is missing or would expose a protected path: a sandbox is never opened without it.
 */
export function hostMounts(settings: HostMountSettings, context: ToolchainContext): ToolchainMounts {
  for (const directory of settings.readOnlyMounts) {
    const problem = readOnlyMountProblem(directory, context.protectedPaths);
    if (problem) {
      throw new SandboxError(
        `sandbox.readOnlyMounts: ${directory} cannot be mounted: ${problem}; remove it from sandbox.readOnlyMounts in slipway.yaml`,
        { code: "sandbox_unavailable", details: { directory, problem } },
      );
    }
  }
  const toolchains = toolchainMounts(settings.toolchains, context);
  const directories = [...new Set([...toolchains.directories, ...settings.readOnlyMounts])];
  const masked = [...toolchains.masked, ...readOnlyMountCredentials(settings.readOnlyMounts, directories)];
  return { ...toolchains, directories, masked: [...new Set(masked)].sort() };
}

/**
 * Credential files two levels into the `sandbox.readOnlyMounts` entries (a cargo home named there
 * would show its credentials.toml), masked as the toolchains' are; `mounted` is everything mounted.
 */
export function readOnlyMountCredentials(
  readOnlyMounts: readonly string[],
  mounted: readonly string[],
): string[] {
  return credentialFilesIn(readOnlyMounts, [...systemDirectories, ...mounted]);
}
