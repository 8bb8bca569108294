// How to start a build tool the repository pins with a wrapper script (`gradlew`, `mvnw`):
// directly when the script is executable, through sh when a checkout lost its executable bit.
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { entryKindInside } from "../../workspace/safe-fs.ts";

export interface WrapperLaunch {
  command: string;
  /** Words that go before the tool's own arguments. */
  prefix: string[];
}

/** The launch of `script` at the worktree root, or undefined when there is no such regular file. */
export async function wrapperLaunch(worktree: string, script: string): Promise<WrapperLaunch | undefined> {
  // A link or FIFO named gradlew is no wrapper to run: the build tool from PATH is used instead.
  if ((await entryKindInside(worktree, script)) !== "file") return undefined;
  const file = path.join(worktree, script);
  try {
    accessSync(file, constants.X_OK);
    return { command: `./${script}`, prefix: [] };
  } catch {
    // Not executable (a checkout without file modes): sh reads the script all the same.
    return { command: "sh", prefix: [script] };
  }
}
