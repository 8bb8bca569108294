// Where the Docker engine listens by default, and whether anything is there: light enough for
// every `slipway` start to ask without loading the Docker client library.
import { lstat } from "node:fs/promises";

/** The engine's socket when none is configured. */
export const defaultSocketPath = "/var/run/docker.sock";

/** True when `socketPath` exists and is a socket (an engine may answer there). */
export async function engineSocketPresent(socketPath: string = defaultSocketPath): Promise<boolean> {
  try {
    return (await lstat(socketPath)).isSocket();
  } catch {
    // No such file (no engine installed) or not ours to see: nothing to ask.
    return false;
  }
}
