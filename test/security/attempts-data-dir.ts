// The attempt on the platform's data directory: read the real store (a canary task in it) and the
// mirrors from inside, and the guard that keeps the data directory out of every sandbox mount.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { createBwrapBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { hostToolchain } from "../../src/sandbox/docker/host-toolchain.ts";
import { isWithin, protectedHostPaths } from "../../src/sandbox/mount-safety.ts";
import type { AttackRun } from "./attack-world.ts";
import { type Attempt, blocked, breached, gist, nothingLeaked } from "./attempt.ts";

/** The store file, as the host reads it: the control that the canary really is in it. */
function storeHolds(dataDir: string, secret: string): boolean {
  return ["slipway.db", "slipway.db-wal"].some((file) => {
    const location = path.join(dataDir, file);
    return existsSync(location) && readFileSync(location).includes(secret);
  });
}

/** Why bwrap did not refuse the data directory as a read-only mount, or undefined when it did. */
async function bwrapMountProblem(attack: AttackRun): Promise<string | undefined> {
  const { world } = attack;
  const backend = createBwrapBackend({ dataDir: world.dataDir, readOnlyMounts: [world.dataDir] });
  try {
    const options = { worktree: attack.worktree, allowHosts: [], memoryMb: 1024, maxProcesses: 64 };
    const sandbox = await backend.create(options);
    await sandbox.dispose();
    return "a sandbox with the data directory as a read-only mount was opened";
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.includes(world.dataDir) ? undefined : `refused for another reason: ${gist(message)}`;
  }
}

/**
 * Why docker's host-toolchain mounts did not refuse a toolchain installed in the data directory, or
 * undefined when they did: the guard the docker backend applies with its `dataDir` setting.
 */
function dockerMountProblem(attack: AttackRun): string | undefined {
  const { dataDir } = attack.world;
  const bin = path.join(dataDir, "toolchain", "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, "npx"), "#!/bin/sh\n", { mode: 0o755 });
  const guarded = protectedHostPaths([homedir()], { roots: [attack.worktree], secrets: [dataDir] });
  const toolchain = hostToolchain(`${bin}:${process.env.PATH ?? ""}`, guarded);
  const exposed = toolchain.directories.filter((directory) => isWithin(directory, dataDir));
  return exposed.length > 0 ? `would mount ${exposed.join(", ")}` : undefined;
}

export const readStore: Attempt = {
  name: "read the store and mirrors (the data dir)",
  proves: "host-root",
  async run(attack) {
    const { sh, world } = attack;
    const script = [
      `cat "${world.dataDir}/slipway.db" "${world.dataDir}/slipway.db-wal"; ls "${world.dataDir}/mirrors"`,
      `cat "${homedir()}/.slipway/slipway.db"; cat ~/.slipway/slipway.db; ls ../../mirrors`,
    ].join("\n");
    const result = await sh(script);
    const mirrorName = path.basename(world.mirrorPath);
    const present = storeHolds(world.dataDir, world.storeSecret);
    const verdict = nothingLeaked(result, [world.storeSecret, mirrorName], "the store or a mirror", present);
    if (verdict.outcome !== "blocked") return verdict;
    const guard = attack.backend === "bwrap" ? await bwrapMountProblem(attack) : dockerMountProblem(attack);
    if (guard) return breached(`data-directory guard: ${guard}`);
    return blocked(`${verdict.evidence}; a mount of the data dir is refused`);
  },
};
