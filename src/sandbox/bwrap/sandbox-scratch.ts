// The host side of one bwrap sandbox's files: the scratch directory with its synthesized /etc, the
// mount layout over the worktree and the toolchains, and the paths no mount may expose.
import { realpathSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { SandboxError } from "../../core/errors.ts";
import { protectedHostPaths } from "../mount-safety.ts";
import type { SandboxOptions } from "../sandbox.ts";
import type { BwrapSettings } from "./bwrap-sandbox.ts";
import { hostMounts } from "./host-mounts.ts";
import { writeSyntheticEtc } from "./sandbox-etc.ts";
import { sandboxLayout } from "./sandbox-layout.ts";
import { defaultToolchainNames } from "./toolchain-mounts.ts";

/** Make the scratch directory and the layout; the directory is removed again when that fails. */
export async function prepareScratch(
  options: SandboxOptions,
  realWorktree: string,
  settings: BwrapSettings,
  egressSocketDirectory: string | undefined,
) {
  const scratchDir = await mkdtemp(path.join(tmpdir(), "slipway-bwrap-"));
  try {
    const etcDir = path.join(scratchDir, "etc");
    await mkdir(etcDir);
    await writeSyntheticEtc(etcDir);
    const mounts = hostMounts(
      {
        toolchains: settings.toolchains ?? [...defaultToolchainNames],
        readOnlyMounts: settings.readOnlyMounts ?? [],
      },
      {
        searchPath: process.env.PATH ?? "",
        protectedPaths: guardedPaths(settings, realWorktree, scratchDir),
        host: { home: homedir(), env: process.env },
      },
    );
    const steps = sandboxLayout({
      worktree: realWorktree,
      syntheticEtcDir: etcDir,
      toolchainDirectories: mounts.directories,
      masks: { emptyFile: await emptyFile(scratchDir), files: mounts.masked },
      tmpfsBytes: options.memoryMb * 1024 * 1024,
      egressSocketDirectory,
    });
    return { scratchDir, steps, toolchainEnvironment: mounts.environment };
  } catch (error) {
    await rm(scratchDir, { recursive: true, force: true });
    throw error;
  }
}

/** A read-only empty file in the scratch dir, bound over each masked credential file inside. */
async function emptyFile(scratchDir: string): Promise<string> {
  const file = path.join(scratchDir, "empty");
  await writeFile(file, "", { mode: 0o444 });
  return file;
}

export function realWorktreeOf(worktree: string): string {
  try {
    return realpathSync(worktree);
  } catch (error) {
    throw new SandboxError(`the worktree ${worktree} does not exist; create it before opening a sandbox`, {
      details: { worktree },
      cause: error,
    });
  }
}

/** What no mount of a sandbox may expose: the home's secrets, the data directory, the worktree, the scratch dir. */
export function guardedPaths(settings: BwrapSettings, realWorktree: string, scratchDir: string) {
  const secrets = settings.dataDir ? [settings.dataDir] : [];
  return protectedHostPaths([homedir()], { roots: [realWorktree, scratchDir], secrets });
}
