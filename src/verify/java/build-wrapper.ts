// How to start a build tool the repository pins with a wrapper script (`gradlew`, `mvnw`):
// directly when the script is executable, through sh when a checkout lost its executable bit.
import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";

export interface WrapperLaunch {
  command: string;
  /** Words that go before the tool's own arguments. */
  prefix: string[];
}

/** The launch of `script` at the worktree root, or undefined when there is no such file. */
export function wrapperLaunch(worktree: string, script: string): WrapperLaunch | undefined {
  const file = path.join(worktree, script);
  if (!existsSync(file)) return undefined;
  try {
    accessSync(file, constants.X_OK);
    return { command: `./${script}`, prefix: [] };
  } catch {
    // Not executable (a checkout without file modes): sh reads the script all the same.
    return { command: "sh", prefix: [script] };
  }
}
