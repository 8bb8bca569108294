// The bwrap mount layout of one sandbox: what of the host is visible, where, and writable or not.
import { lstatSync, readlinkSync } from "node:fs";
import { insideSocketDirectory } from "../egress/sandbox-bridge.ts";
import { assertWorktreeMountable, privateInsideDirectories } from "../worktree-mount-path.ts";
import { type MountStep, sandboxUser } from "./mount-step.ts";
import { etcSteps } from "./sandbox-etc.ts";
import { systemDirectories } from "./toolchain-mounts.ts";

export interface LayoutInput {
  /**
   * Real (symlink-free) host path of the worktree: the only writable host directory, mounted at
   * that same path (its parents inside are empty directories of the sandbox's own root).
   */
  worktree: string;
  /** Scratch directory holding the synthesized /etc files. */
  syntheticEtcDir: string;
  /** Toolchain installation directories, mounted read-only at the same path. */
  toolchainDirectories: string[];
  /**
   * Credential files inside the read-only mounts, each covered by `emptyFile` (a host file; not
   * /dev/null, which bwrap binds nodev, so reading it would fail with EACCES instead of reading empty).
   */
  masks?: { emptyFile: string; files: string[] };
  /** Size cap of each private tmpfs (/tmp and $HOME), which otherwise grows in host memory. */
  tmpfsBytes: number;
  /** Host directory of the egress proxy's socket, when the sandbox has allowed hosts. */
  egressSocketDirectory?: string;
}

/** /usr read-only, and /bin, /lib… as the links or read-only directories they are on the host. */
export function systemSteps(): MountStep[] {
  const steps: MountStep[] = [];
  for (const directory of systemDirectories) {
    try {
      const stat = lstatSync(directory);
      if (stat.isSymbolicLink())
        steps.push({ kind: "symlink", linkTarget: readlinkSync(directory), path: directory });
      else if (stat.isDirectory()) steps.push({ kind: "ro-bind", source: directory, target: directory });
    } catch {
      // This host has no such directory (e.g. /libx32): nothing to mirror.
    }
  }
  return steps;
}

/** Where a step mounts something (the root's remount mounts nothing new). */
function mountPointOf(step: MountStep): string | undefined {
  if (step.kind === "remount-ro") return undefined;
  return "target" in step ? step.target : step.path;
}

/**
 * The whole layout, in order. The root is an empty tmpfs that is made read-only last, so the only
 * writable places are the worktree at its own host path, a private /tmp and an empty $HOME. With
 * allowed hosts, the egress proxy's socket directory is mounted read-only at /run/slipway-egress.
 * Throws a SandboxError when the worktree's path would cover one of the other mounts.
 */
export function sandboxLayout(input: LayoutInput): MountStep[] {
  const own = sandboxSteps(input);
  // Toolchains are left out: mount safety keeps them from containing the worktree, and one inside
  // it (a project-local node) is covered by the worktree's own copy of the same files.
  const mountPoints = own.flatMap((step) => mountPointOf(step) ?? []);
  const privateDirectories = [...privateInsideDirectories, sandboxUser.home];
  assertWorktreeMountable(input.worktree, [...mountPoints, insideSocketDirectory], privateDirectories);
  return [
    ...own,
    ...input.toolchainDirectories.map(
      (directory): MountStep => ({ kind: "ro-bind", source: directory, target: directory }),
    ),
    // After the mounts they lie in, before the worktree (which a mask must never cover).
    ...maskSteps(input.masks),
    // bwrap binds recursively: mounts under the worktree on the host (overlays) come along.
    { kind: "bind", source: input.worktree, target: input.worktree },
    ...(input.egressSocketDirectory
      ? [{ kind: "ro-bind", source: input.egressSocketDirectory, target: insideSocketDirectory } as const]
      : []),
    { kind: "remount-ro", path: "/" },
  ];
}

/** Each masked file covered by the empty file, read-only. */
function maskSteps(masks: LayoutInput["masks"]): MountStep[] {
  if (!masks) return [];
  return masks.files.map((file) => ({ kind: "ro-bind", source: masks.emptyFile, target: file }));
}

/** The sandbox's own mounts: system directories, /etc, /proc, /dev, the private tmpfs. */
function sandboxSteps(input: LayoutInput): MountStep[] {
  return [
    ...systemSteps(),
    ...etcSteps(input.syntheticEtcDir),
    { kind: "proc", path: "/proc" },
    { kind: "dev", path: "/dev" },
    { kind: "tmpfs", path: "/tmp", sizeBytes: input.tmpfsBytes, mode: "1777" },
    { kind: "tmpfs", path: sandboxUser.home, sizeBytes: input.tmpfsBytes, mode: "0700" },
  ];
}
