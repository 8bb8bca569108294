// What a docker sandbox needs before its container starts: the image, the worktree's real path,
// the host toolchain to mount, the egress proxy, the worktree handed to the agent's uid, the PATHs
// inside — and a sweep of containers whose owning process is gone (a crashed run or sandbox exec).
import { realpathSync } from "node:fs";
import { chmod } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import type Docker from "dockerode";
import { SandboxError } from "../../core/errors.ts";
import { proxySocketName } from "../egress/sandbox-bridge.ts";
import { openSandboxEgress, type SandboxEgress } from "../egress/sandbox-egress.ts";
import { protectedHostPaths } from "../mount-safety.ts";
import type { SandboxOptions } from "../sandbox.ts";
import { platformPath } from "./command-wrapper.ts";
import {
  assertDockerWorktreeMountable,
  fixedWritableMountPoints,
  writableMountPoints,
} from "./container-config.ts";
import { connectEngine, defaultSocketPath, type ImageFacts, imageEnvironmentValue } from "./docker-engine.ts";
import type { DockerBackendOptions } from "./docker-sandbox.ts";
import { type CaFileMount, hostCaFiles } from "./host-ca-files.ts";
import { type HostToolchain, hostToolchain } from "./host-toolchain.ts";
import { removeLeftoverContainers } from "./leftover-containers.ts";
import { type OwnerHeartbeat, startOwnerHeartbeat } from "./owner-heartbeat.ts";
import { localImage } from "./sandbox-container.ts";
import { grantWorktreeAccess, revokeWorktreeAccess, type WorktreeAccess } from "./worktree-owner.ts";
import { prepareWorktreeParents, removeWorktreeParents, type WorktreeParents } from "./worktree-parents.ts";

/** PATH inside when the image does not declare one. */
const fallbackPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Everything prepared for one sandbox's container. */
export interface PreparedSandbox {
  docker: Docker;
  realWorktree: string;
  toolchain: HostToolchain | undefined;
  egress: SandboxEgress | undefined;
  heartbeat: OwnerHeartbeat;
  access: WorktreeAccess;
  /** The directories the image declares as VOLUMEs. */
  declaredVolumes: string[];
  /** PATH of the agent's commands: the image's, or the host's entries the toolchain mounts provide. */
  insidePath: string;
  /** PATH of the platform's root helpers: `insidePath` without anything the agent can write. */
  helperPath: string;
  /** What covers the top directory of the worktree's path inside, when anything does. */
  worktreeParents: WorktreeParents | undefined;
  /** The host's CA-bundle files shown read-only at their own paths. */
  caFiles: CaFileMount[];
}

function realWorktreeOf(worktree: string): string {
  try {
    return realpathSync(worktree);
  } catch (error) {
    throw new SandboxError(`the worktree ${worktree} does not exist; create it before opening a sandbox`, {
      details: { worktree },
      cause: error,
    });
  }
}

/**
 * Open the egress proxy when hosts are allowed. Its socket is made connectable by any uid: the
 * bridge runs as the container's root, which holds no DAC override, and the proxy itself enforces
 * the allowlist, so the agent connecting straight to it gains nothing.
 */
async function openEgress(options: SandboxOptions, settings: DockerBackendOptions) {
  if (options.allowHosts.length === 0) return undefined;
  const egress = await openSandboxEgress(options, settings.egress);
  try {
    await chmod(path.join(egress.socketDirectory, proxySocketName), 0o666);
    return egress;
  } catch (error) {
    await egress.close();
    throw error;
  }
}

/**
 * Remove the sandbox containers of processes that are gone, so a killed `slipway run` or `sandbox
 * exec` leaves the agent's code running only until the next sandbox starts. Best effort: the
 * engine answered the image check a moment ago; a failed sweep must not stop this sandbox.
 */
async function sweepOrphans(socketPath: string): Promise<void> {
  await removeLeftoverContainers({ maxAgeMs: Number.POSITIVE_INFINITY, socketPath }).catch(() => {
    // Reported by recovery at the next start, which runs the same sweep and says what failed.
  });
}

/** The volumes `image` declares, as absolute paths inside. */
function declaredVolumesOf(image: ImageFacts): string[] {
  return Object.keys(image.Config?.Volumes ?? {}).map((volume) => path.posix.resolve("/", volume));
}

/**
 * Prepare a sandbox for `options.worktree`: the image is checked first; on any failure whatever was
 * prepared is released again. Throws SandboxError saying what to do.
 */
export async function prepareSandbox(
  options: SandboxOptions,
  settings: DockerBackendOptions,
): Promise<PreparedSandbox> {
  const socketPath = settings.socketPath ?? defaultSocketPath;
  const docker = connectEngine(socketPath);
  const image = await localImage(docker, settings.image, socketPath);
  const realWorktree = realWorktreeOf(options.worktree);
  // Before anything is made or handed over (a refused path is never chown'ed).
  assertDockerWorktreeMountable(realWorktree);
  await sweepOrphans(socketPath);
  const guarded = protectedHostPaths([homedir()], {
    roots: [realWorktree],
    secrets: settings.dataDir ? [settings.dataDir] : [],
  });
  const toolchain = settings.hostToolchainMounts ? hostToolchain(process.env.PATH ?? "", guarded) : undefined;
  const declaredVolumes = declaredVolumesOf(image);
  const insidePath = (toolchain ? toolchain.path : imageEnvironmentValue(image, "PATH")) || fallbackPath;
  const helperPath = platformPath(insidePath, [...writableMountPoints(realWorktree), ...declaredVolumes]);
  const worktreeParents = await prepareWorktreeParents(realWorktree, [
    ...fixedWritableMountPoints,
    ...(toolchain?.directories ?? []),
    ...declaredVolumes,
  ]);
  const egress = await openEgress(options, settings).catch(async (error: unknown) => {
    await removeWorktreeParents(worktreeParents);
    throw error;
  });
  const heartbeat = await startOwnerHeartbeat(settings.heartbeat).catch(async (error: unknown) => {
    await Promise.allSettled([egress?.close(), removeWorktreeParents(worktreeParents)]);
    throw error;
  });
  const access = await grantWorktreeAccess(realWorktree).catch(async (error: unknown) => {
    await Promise.allSettled([egress?.close(), heartbeat.stop(), removeWorktreeParents(worktreeParents)]);
    throw error;
  });
  return {
    docker,
    realWorktree,
    toolchain,
    egress,
    heartbeat,
    access,
    declaredVolumes,
    insidePath,
    helperPath,
    worktreeParents,
    caFiles: hostCaFiles(realWorktree, guarded),
  };
}

/**
 * Release what `prepareSandbox` took (the container must be gone): the egress proxy and the
 * heartbeat, then the worktree goes back to its owner.
 */
export async function releasePrepared(
  prepared: Pick<PreparedSandbox, "egress" | "heartbeat" | "realWorktree" | "access" | "worktreeParents">,
) {
  try {
    await prepared.heartbeat.stop();
    await prepared.egress?.close();
  } finally {
    await removeWorktreeParents(prepared.worktreeParents);
    await revokeWorktreeAccess(prepared.realWorktree, prepared.access);
  }
}
