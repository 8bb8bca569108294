// The Docker container that holds one sandbox, as an engine definition: every wall of the docker
// backend is one setting here, built by a pure function so it can be read and tested in one place.
import type { ContainerCreateOptions, MountSettings } from "dockerode";
import { systemDirectories } from "../bwrap/toolchain-mounts.ts";
import { bridgeMaxChildren, insideSocketDirectory } from "../egress/sandbox-bridge.ts";
import { assertWorktreeMountable, privateInsideDirectories } from "../worktree-mount-path.ts";
import type { CaFileMount } from "./host-ca-files.ts";
import { type HeartbeatSettings, insideHeartbeatDirectory, keepAliveArgv } from "./owner-heartbeat.ts";
import { type Identity, isSandboxIdentity } from "./worktree-owner.ts";
import type { WorktreeParents } from "./worktree-parents.ts";

/** The sandbox user's private HOME (a tmpfs). */
export const sandboxHome = "/home/sandbox";
/** The engine's `User` setting for `identity`: numeric, so the image needs no passwd entry for it. */
export function userSetting(identity: Identity): string {
  return `${identity.uid}:${identity.gid}`;
}
/**
 * A small tmpfs, root's alone (mode 0700), where each running command's wrapper records its
 * process group for the stop helper: the agent's uid can neither read nor forge a record.
 */
export const controlDirectory = "/run/slipway";
/** The engine's `User` setting of the platform's own processes inside (init, wrappers, reaper, bridge). */
export const platformUser = "0:0";
/**
 * The only capabilities the container's root keeps: signalling the agent's processes (KILL) and
 * dropping to the agent's uid (SETUID, SETGID). The agent's uid gets none of them (the kernel clears
 * them when a process runs as non-root, and no-new-privileges forbids gaining them back).
 */
export const platformCapabilities = ["KILL", "SETUID", "SETGID"];

/** Label on every sandbox container, so a sweep finds leftovers of a crashed platform. */
export const sandboxLabel = "slipway.sandbox";
/** Label holding the pid of the platform process that created the container. */
export const ownerPidLabel = "slipway.owner-pid";
/** Label holding the host name of that process: an owner pid means something only on its own host. */
export const ownerHostLabel = "slipway.owner-host";
/**
 * Label holding that process's start time (clock ticks since boot, /proc/<pid>/stat field 22): a
 * pid reused by another process after a crash must not make the container look owned.
 */
export const ownerStartLabel = "slipway.owner-start";
/** Label holding the id of the run the container serves: recovery sweeps it by the run's lease, not a pid. */
export const runIdLabel = "slipway.run-id";
/** Label holding the run's attempt: a later attempt (the last one's lease expired) makes it a leftover. */
export const runAttemptLabel = "slipway.run-attempt";

/**
 * Processes the sandbox needs beyond `maxProcesses`: the init, the waiting shell and its sleep, a
 * wrapper, watchdog and sleep per running command, the stop helper and the reaper. The pids limit
 * is `maxProcesses` plus this (plus the bridge's connections when it runs). The agent's uid is held
 * to `maxProcesses` by RLIMIT_NPROC when it is a sandbox uid, so this headroom stays the platform's.
 */
export const processHeadroom = 16;

/** Without an owner heartbeat the container lives until removed (no `sleep infinity` in busybox). */
const waitForever = ["sh", "-c", "while :; do sleep 86400; done"];

export interface ContainerSpec {
  image: string;
  /** Container name, unique per sandbox. */
  name: string;
  /**
   * Real host path of the worktree, mounted read-write at that same path; commands run at or below
   * it, so absolute paths written inside (pnpm's shims, a venv's scripts) hold outside too.
   */
  worktree: string;
  /** The read-only host directory covering the worktree path's top directory (see worktree-parents). */
  worktreeParents?: WorktreeParents;
  /** Who the agent's processes run as (never root); owns HOME. The platform's helpers run as root. */
  identity: Identity;
  memoryMb: number;
  maxProcesses: number;
  /** Largest file any process in the container may write (RLIMIT_FSIZE), sparse ones included. */
  maxFileMb: number;
  cpus: number;
  /** Host directories mounted read-only at the same path (the host toolchain, when configured). */
  readOnlyDirectories: string[];
  /** Paths inside those directories hidden behind an empty read-only file (global registry config). */
  maskedFiles?: string[];
  /** The host's CA-bundle files, read-only at the path the certificate variables name (host-ca-files). */
  caFiles?: CaFileMount[];
  /** Labels: the sandbox label and owner labels are added to these. */
  labels: Record<string, string>;
  ownerPid: number;
  ownerHost: string;
  /** The owner's start time (see ownerStartLabel), when this host can tell it. */
  ownerStart?: string;
  /** Host directory of the egress proxy's socket, mounted read-only, when the sandbox allows hosts. */
  egressSocketDirectory?: string;
  /** The owner's heartbeat: its host directory and timing; the container stops when it stops. */
  heartbeat?: { directory: string; settings: HeartbeatSettings };
  /**
   * Directories the image declares as VOLUMEs: each gets a capped tmpfs, so the engine makes no
   * anonymous volume (uncapped, on the host's disk) for them.
   */
  declaredVolumes?: string[];
  /**
   * Setup's download caches (see offline-caches): each source is a copy-on-write overlay mounted on
   * the host outside the worktree, bound at a target inside `<worktree>/.slipway-deps/`. The host's
   * worktree holds only empty directories there, so nothing of a cache can be committed and the
   * ownership hand-back (chown -R on the host) never walks into a cache.
   */
  cacheBinds?: CacheBind[];
}

export interface CacheBind {
  source: string;
  target: string;
}

/** The folder of the worktree the cache binds go under (offline-caches' offlineFolder). */
const cacheFolder = ".slipway-deps";

/** Throw when a cache bind would land anywhere but one level under `<worktree>/.slipway-deps/`. */
export function assertCacheBinds(worktree: string, binds: readonly CacheBind[]): void {
  const prefix = `${worktree}/${cacheFolder}/`;
  for (const bind of binds) {
    const name = bind.target.slice(prefix.length);
    if (!bind.target.startsWith(prefix) || !/^[a-z]+$/.test(name) || !bind.source.startsWith("/"))
      throw new Error(`cache bind ${bind.source} -> ${bind.target} is not under ${prefix}`);
  }
}

function bindMount(source: string, target: string, readOnly: boolean): MountSettings {
  return { Type: "bind", Source: source, Target: target, ReadOnly: readOnly };
}

/** tmpfs mount options; `exec` because builds run programs from /tmp. */
function tmpfsOptions(sizeMb: number, mode: string, owner?: Identity, exec = true): string {
  const ownership = owner ? `,uid=${owner.uid},gid=${owner.gid}` : "";
  return `rw,${exec ? "exec" : "noexec"},nosuid,nodev,size=${sizeMb}m,mode=${mode}${ownership}`;
}

/** The fixed mount points of every sandbox container that are writable by someone inside. */
export const fixedWritableMountPoints = ["/tmp", sandboxHome, controlDirectory, "/dev"];

/** The mount points writable by someone inside a container for `worktree`: the worktree and the fixed ones. */
export function writableMountPoints(worktree: string): string[] {
  return [worktree, ...fixedWritableMountPoints];
}

/**
 * Throw a SandboxError when `worktree` (real path) cannot be mounted at its own path in a sandbox
 * container: it would cover one of the container's own mounts or the image's (or the host's)
 * system directories, or lie inside a directory the container provides itself.
 */
export function assertDockerWorktreeMountable(worktree: string): void {
  const ownMounts = [...fixedWritableMountPoints, insideSocketDirectory, ...systemDirectories];
  assertWorktreeMountable(worktree, ownMounts, [...privateInsideDirectories, sandboxHome]);
}

/** The declared volumes that get a tmpfs of their own: those no mount of the sandbox covers already. */
export function volumeDirectories(
  spec: Pick<ContainerSpec, "declaredVolumes" | "readOnlyDirectories" | "worktree">,
): string[] {
  const taken = new Set([
    ...writableMountPoints(spec.worktree),
    ...spec.readOnlyDirectories,
    insideSocketDirectory,
  ]);
  return (spec.declaredVolumes ?? []).filter((volume) => !taken.has(volume));
}

/**
 * One capped tmpfs per declared volume. The engine gives it the image directory's owner and mode
 * whatever the options say; the sandbox opens it to the agent once started (see openVolumes).
 */
function volumeTmpfs(spec: ContainerSpec): Record<string, string> {
  return Object.fromEntries(
    volumeDirectories(spec).map((volume) => [volume, tmpfsOptions(spec.memoryMb, "1777")]),
  );
}

/**
 * The engine definition of a sandbox container: no network (allowed hosts go through the egress
 * proxy's socket, mounted read-only at /run/slipway-egress), read-only root, the platform's helpers
 * as root with only KILL, SETUID and SETGID, the agent as an unprivileged uid (see command-wrapper),
 * no privilege escalation, the worktree read-write at its own path, private tmpfs for /tmp, HOME and
 * each declared volume, no container log (nothing written to the init's output reaches the host's
 * disk), memory without swap, a pids limit, CPUs, an init that reaps orphans, and labels.
 */
export function containerDefinition(spec: ContainerSpec): ContainerCreateOptions {
  assertCacheBinds(spec.worktree, spec.cacheBinds ?? []);
  const memoryBytes = spec.memoryMb * 1024 * 1024;
  const headroom = processHeadroom + (spec.egressSocketDirectory ? bridgeMaxChildren : 0);
  // RLIMIT_NPROC counts per uid across the host: only a uid of the sandbox's own can carry it.
  const agentProcesses = isSandboxIdentity(spec.identity)
    ? [{ Name: "nproc", Soft: spec.maxProcesses, Hard: spec.maxProcesses }]
    : [];
  return {
    name: spec.name,
    Image: spec.image,
    // The image's entrypoint (e.g. docker-entrypoint.sh) would wrap the keep-alive command: reset it.
    Entrypoint: [""],
    Cmd: spec.heartbeat ? keepAliveArgv(spec.heartbeat.settings) : waitForever,
    User: platformUser,
    WorkingDir: spec.worktree,
    Env: [],
    Hostname: "sandbox",
    NetworkDisabled: true,
    Labels: {
      ...spec.labels,
      [sandboxLabel]: "1",
      [ownerPidLabel]: String(spec.ownerPid),
      [ownerHostLabel]: spec.ownerHost,
      ...(spec.ownerStart ? { [ownerStartLabel]: spec.ownerStart } : {}),
    },
    HostConfig: {
      Init: true,
      // Slipway reads each command's output from its exec, never the container's log.
      LogConfig: { Type: "none", Config: {} },
      NetworkMode: "none",
      ReadonlyRootfs: true,
      // The engine mounts parents before children, whatever the order here.
      Mounts: [
        ...(spec.worktreeParents
          ? [bindMount(spec.worktreeParents.source, spec.worktreeParents.target, true)]
          : []),
        bindMount(spec.worktree, spec.worktree, false),
        // Writable: writes reach the overlay's private upper layer, never the shared cache below it.
        ...(spec.cacheBinds ?? []).map((bind) => bindMount(bind.source, bind.target, false)),
        ...spec.readOnlyDirectories.map((directory) => bindMount(directory, directory, true)),
        ...(spec.maskedFiles ?? []).map((file) => bindMount("/dev/null", file, true)),
        ...(spec.caFiles ?? []).map((file) => bindMount(file.source, file.target, true)),
        ...(spec.egressSocketDirectory
          ? [bindMount(spec.egressSocketDirectory, insideSocketDirectory, true)]
          : []),
        ...(spec.heartbeat ? [bindMount(spec.heartbeat.directory, insideHeartbeatDirectory, true)] : []),
      ],
      // tmpfs pages are charged to the container's memory, so together they stay under Memory.
      Tmpfs: {
        "/tmp": tmpfsOptions(spec.memoryMb, "1777"),
        [sandboxHome]: tmpfsOptions(spec.memoryMb, "0700", spec.identity),
        [controlDirectory]: tmpfsOptions(1, "0700", { uid: 0, gid: 0 }, false),
        ...volumeTmpfs(spec),
      },
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      PidsLimit: spec.maxProcesses + headroom,
      NanoCpus: Math.round(spec.cpus * 1e9),
      CapDrop: ["ALL"],
      CapAdd: platformCapabilities,
      SecurityOpt: ["no-new-privileges"],
      IpcMode: "private",
      Ulimits: [
        { Name: "core", Soft: 0, Hard: 0 },
        // Bytes: docker hands fsize to setrlimit as it is.
        { Name: "fsize", Soft: spec.maxFileMb * 1024 * 1024, Hard: spec.maxFileMb * 1024 * 1024 },
        ...agentProcesses,
      ],
    },
  };
}
