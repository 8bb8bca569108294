// The Docker container that holds one sandbox, as an engine definition: every wall of the docker
// backend is one setting here, built by a pure function so it can be read and tested in one place.
import type { ContainerCreateOptions, MountSettings } from "dockerode";
import { insideSocketDirectory } from "../egress/sandbox-bridge.ts";
import type { Identity } from "./worktree-owner.ts";

/** Where the worktree appears inside the container; commands run at or below it. */
export const workspacePath = "/workspace";
/** The sandbox user's private HOME (a tmpfs). */
export const sandboxHome = "/home/sandbox";
/** The engine's `User` setting for `identity`: numeric, so the image needs no passwd entry for it. */
export function userSetting(identity: Identity): string {
  return `${identity.uid}:${identity.gid}`;
}
/** A small tmpfs where each running command's wrapper records its process group, for stopping it. */
export const controlDirectory = "/run/slipway";

/** Label on every sandbox container, so a sweep finds leftovers of a crashed platform. */
export const sandboxLabel = "slipway.sandbox";
/** Label holding the pid of the platform process that created the container. */
export const ownerPidLabel = "slipway.owner-pid";
/** Label holding the host name of that process: an owner pid means something only on its own host. */
export const ownerHostLabel = "slipway.owner-host";

/**
 * Processes the sandbox needs beyond `maxProcesses`: the init, the waiting shell and its sleep, one
 * wrapper per running command and the stop helper. The pids limit is `maxProcesses` plus this.
 */
export const processHeadroom = 8;

/** The keep-alive command: the container lives until dispose removes it (no `sleep infinity` in busybox). */
/** Where a long-lived process of the sandbox's own records its pid, so the reaper spares it and its children. */
export function keepFile(name: string): string {
  return `/run/slipway/keep-${name}`;
}
const waitForever = ["sh", "-c", `echo $$ > ${keepFile("alive")}; while :; do sleep 86400; done`];

export interface ContainerSpec {
  image: string;
  /** Container name, unique per sandbox. */
  name: string;
  /** Real host path of the worktree, mounted read-write at /workspace. */
  worktree: string;
  /** Who every process runs as (never root); owns HOME and the control directory. */
  identity: Identity;
  memoryMb: number;
  maxProcesses: number;
  cpus: number;
  /** Host directories mounted read-only at the same path (the host toolchain, when configured). */
  readOnlyDirectories: string[];
  /** Labels: the sandbox label and owner labels are added to these. */
  labels: Record<string, string>;
  ownerPid: number;
  ownerHost: string;
  /** Host directory of the egress proxy's socket, mounted read-only, when the sandbox allows hosts. */
  egressSocketDirectory?: string;
}

function bindMount(source: string, target: string, readOnly: boolean): MountSettings {
  return { Type: "bind", Source: source, Target: target, ReadOnly: readOnly };
}

/** tmpfs mount options; `exec` because builds run programs from /tmp. */
function tmpfsOptions(sizeMb: number, mode: string, owner?: Identity, exec = true): string {
  const ownership = owner ? `,uid=${owner.uid},gid=${owner.gid}` : "";
  return `rw,${exec ? "exec" : "noexec"},nosuid,nodev,size=${sizeMb}m,mode=${mode}${ownership}`;
}

/**
 * The engine definition of a sandbox container: no network (allowed hosts go through the egress
 * proxy's socket, mounted read-only at /run/slipway-egress), read-only root, non-root user without
 * capabilities or privilege escalation, the worktree read-write at /workspace, private tmpfs for
 * /tmp and HOME, memory without swap, a pids limit, CPUs, an init that reaps orphans, and labels.
 */
export function containerDefinition(spec: ContainerSpec): ContainerCreateOptions {
  const memoryBytes = spec.memoryMb * 1024 * 1024;
  return {
    name: spec.name,
    Image: spec.image,
    // The image's entrypoint (e.g. docker-entrypoint.sh) would wrap the keep-alive command: reset it.
    Entrypoint: [""],
    Cmd: waitForever,
    User: userSetting(spec.identity),
    WorkingDir: workspacePath,
    Env: [],
    Hostname: "sandbox",
    NetworkDisabled: true,
    Labels: {
      ...spec.labels,
      [sandboxLabel]: "1",
      [ownerPidLabel]: String(spec.ownerPid),
      [ownerHostLabel]: spec.ownerHost,
    },
    HostConfig: {
      Init: true,
      NetworkMode: "none",
      ReadonlyRootfs: true,
      Mounts: [
        bindMount(spec.worktree, workspacePath, false),
        ...spec.readOnlyDirectories.map((directory) => bindMount(directory, directory, true)),
        ...(spec.egressSocketDirectory
          ? [bindMount(spec.egressSocketDirectory, insideSocketDirectory, true)]
          : []),
      ],
      // tmpfs pages are charged to the container's memory, so together they stay under Memory.
      Tmpfs: {
        "/tmp": tmpfsOptions(spec.memoryMb, "1777"),
        [sandboxHome]: tmpfsOptions(spec.memoryMb, "0700", spec.identity),
        [controlDirectory]: tmpfsOptions(1, "0700", spec.identity, false),
      },
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      PidsLimit: spec.maxProcesses + processHeadroom,
      NanoCpus: Math.round(spec.cpus * 1e9),
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      IpcMode: "private",
      Ulimits: [{ Name: "core", Soft: 0, Hard: 0 }],
    },
  };
}
