// Whether the agent's commands can share one bwrap sandbox per run here (for `slipway doctor`):
// opens a sandbox on an empty temp directory with the configured limits and runs one agent command.
// When the shared space cannot start, agent commands still run, each in a sandbox of its own: the
// walls are the same, only slower, so only doctor says so.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BwrapSettings, createBwrapSandbox } from "./bwrap-sandbox.ts";

export interface SharedSpaceProbe {
  works: boolean;
  /** Why agent commands get a sandbox of their own each instead, when they do. */
  problem?: string;
}

export async function probeSharedProcessSpace(
  limits: { memoryMb: number; maxProcesses: number },
  settings: BwrapSettings,
): Promise<SharedSpaceProbe> {
  const worktree = await mkdtemp(path.join(tmpdir(), "slipway-doctor-"));
  try {
    const sandbox = await createBwrapSandbox({ worktree, allowHosts: [], ...limits }, settings);
    try {
      const result = await sandbox.exec({
        command: "true",
        args: [],
        timeoutMs: 30_000,
        maxOutputBytes: 4096,
        processSpace: "run",
      });
      const problem =
        sandbox.sharedProcessSpaceProblem ??
        (result.exitCode === 0 ? undefined : `a command in it failed: ${result.output.trim()}`);
      return problem === undefined ? { works: true } : { works: false, problem };
    } finally {
      await sandbox.dispose();
    }
  } catch (error) {
    return { works: false, problem: (error as Error).message };
  } finally {
    await rm(worktree, { recursive: true, force: true });
  }
}
