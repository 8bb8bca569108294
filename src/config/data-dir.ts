// Where Slipway keeps its store, mirrors and worktrees: `dataDir` from the configuration, with a
// leading `~/` taken as the home directory, resolved to an absolute path.
import { homedir } from "node:os";
import path from "node:path";

export const defaultDataDir = "~/.slipway";

/** The absolute data directory for the configured `dataDir` (default ~/.slipway). */
export function resolveDataDir(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  const value = configured ?? defaultDataDir;
  const expanded = value.startsWith("~/") ? path.join(env.HOME || homedir(), value.slice(2)) : value;
  return path.resolve(expanded);
}
