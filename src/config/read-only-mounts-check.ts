// Refuses, at load time, a `sandbox.readOnlyMounts` entry that would show a sandbox a home directory,
// a credentials store in it (~/.ssh, ~/.cargo as a whole …) or Slipway's own data directory.
import { homedir } from "node:os";
import { namedMountProblem, protectedHostPaths } from "../sandbox/mount-safety.ts";
import type { SlipwayConfig } from "./config-schema.ts";
import { resolveDataDir } from "./data-dir.ts";

/** The first unsafe `sandbox.readOnlyMounts` entry as a one-line message naming the key and the fix. */
export function readOnlyMountsProblem(config: SlipwayConfig, env: NodeJS.ProcessEnv): string | undefined {
  const homes = [...new Set([homedir(), env.HOME].filter((home): home is string => Boolean(home)))];
  const guarded = protectedHostPaths(homes, { secrets: [resolveDataDir(config.dataDir, env)] });
  for (const directory of config.sandbox.readOnlyMounts) {
    const reason = namedMountProblem(directory, guarded);
    if (reason) {
      return `sandbox.readOnlyMounts: ${directory} cannot be mounted: ${reason}; remove it and list only directories that hold programs (e.g. /opt/jdk-21 or ~/.cargo/bin), never a home, credentials or the data directory`;
    }
  }
  return undefined;
}
