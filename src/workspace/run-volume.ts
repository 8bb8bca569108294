// A run's disk quota: a filesystem of a fixed size (a sparse ext4 image on a loop device) that holds
// the run's worktree, so nothing a sandboxed process writes can fill the disk the store lives on.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, open, rm, rmdir, stat } from "node:fs/promises";
import path from "node:path";
import { WorkspaceError } from "../core/errors.ts";
import type { RunState } from "../core/run-state.ts";

/** How long one of mkfs, mount or umount may take before the volume is given up. */
const toolTimeoutMs = 30_000;

/** A mounted run volume: `mountPoint` is a directory of at most `bytes`, backed by `image`. */
export interface RunVolume {
  mountPoint: string;
  image: string;
  bytes: number;
}

/** Why run volumes cannot be made here, or undefined when they can (root, mount, mkfs.ext4, loop). */
export function runVolumeProblem(): string | undefined {
  if (process.platform !== "linux") return "disk quotas need Linux loop devices";
  if (process.getuid?.() !== 0) return "disk quotas need root (a loop-mounted filesystem per run)";
  if (!existsSync("/dev/loop-control")) return "this host has no loop devices (/dev/loop-control)";
  for (const tool of ["/usr/sbin/mkfs.ext4", "/usr/bin/mount", "/usr/bin/umount"]) {
    if (!existsSync(tool) && !existsSync(tool.replace("/usr", "")))
      return `${path.basename(tool)} is missing`;
  }
  return undefined;
}

/** Run a host tool with a time limit; resolves with its output, rejects with its first error line. */
function runTool(argv: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
      signal: AbortSignal.any([AbortSignal.timeout(toolTimeoutMs), ...(signal ? [signal] : [])]),
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      if (output.length < 8192) output += chunk.toString("utf8");
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => reject(new Error(`${argv[0]}: ${error.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else {
        const line = output.split("\n").find((text) => text.trim() !== "") ?? `exit ${code}`;
        reject(new Error(`${path.basename(argv[0]!)}: ${line.trim()}`));
      }
    });
  });
}

/** A sparse file of `bytes`: it takes no disk until written, and never more than `bytes`. */
async function createSparseImage(image: string, bytes: number): Promise<void> {
  const handle = await open(image, "wx", 0o600);
  try {
    await handle.truncate(bytes);
  } finally {
    await handle.close();
  }
}

/**
 * Make a filesystem of `bytes` at `mountPoint` (created; must not exist), backed by the sparse image
 * `image`. nosuid and nodev: nothing on it can gain privileges on the host. Nothing is left behind
 * when a step fails.
 */
export async function openRunVolume(
  mountPoint: string,
  image: string,
  bytes: number,
  signal?: AbortSignal,
): Promise<RunVolume> {
  const problem = runVolumeProblem();
  if (problem) throw new WorkspaceError(`cannot cap the run's disk use: ${problem}`);
  await mkdir(path.dirname(image), { recursive: true, mode: 0o700 });
  await mkdir(mountPoint, { recursive: false, mode: 0o700 });
  try {
    await createSparseImage(image, bytes);
    // No journal and lazy tables: made in well under a second; the volume lives for one run only.
    await runTool(
      ["mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-E", "lazy_itable_init=1,nodiscard", "-m", "0", image],
      signal,
    );
    await runTool(["mount", "-o", "loop,nosuid,nodev,noatime", image, mountPoint], signal);
  } catch (error) {
    await rm(image, { force: true });
    await rmdir(mountPoint).catch(() => undefined);
    throw new WorkspaceError(
      `cannot make the run's disk volume at ${mountPoint}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return { mountPoint, image, bytes };
}

/** True when `directory` is a mount point (its device differs from its parent's). */
export async function isMountPoint(directory: string): Promise<boolean> {
  try {
    const [own, parent] = await Promise.all([stat(directory), stat(path.dirname(directory))]);
    return own.dev !== parent.dev;
  } catch {
    // Gone or unreadable: nothing is mounted there that we could unmount.
    return false;
  }
}

/**
 * Unmount the volume at `mountPoint` (lazily when busy, so a leftover process cannot keep the image
 * alive), free its loop device, remove the image and the empty mount point. Safe to call twice.
 */
export async function closeRunVolume(mountPoint: string, image: string): Promise<void> {
  if (await isMountPoint(mountPoint)) {
    try {
      await runTool(["umount", mountPoint]);
    } catch {
      // Busy: detach it now; the kernel frees it when the last user goes.
      await runTool(["umount", "--lazy", mountPoint]);
    }
  }
  await rm(image, { force: true });
  await rmdir(mountPoint).catch(() => undefined);
}

/** Where one run's worktree lives, and the volume that caps it when there is one. */
export interface RunSpace {
  worktreePath: string;
  volume?: { mountPoint: string; image: string };
}

export interface RunSpaceRequest {
  dataDir: string;
  runId: string;
  /** The disk quota of the run (`sandbox.diskMb`). */
  diskBytes: number;
  /** `sandbox.acceptWeaker` holds `disk-quota`: without run volumes here, use the data directory. */
  acceptNoQuota: boolean;
  signal?: AbortSignal;
}

/** The run's worktree path without a quota: `<dataDir>/worktrees/<runId>`. */
export function unquotedWorktreePath(dataDir: string, runId: string): string {
  return path.join(dataDir, "worktrees", runId);
}

/**
 * Make the place of a run's worktree: a volume of `diskBytes` at `<dataDir>/volumes/<runId>` holding
 * `worktree/`, or — only when the host cannot make volumes and the configuration accepts it — a
 * plain directory path in the data directory. Refuses in one line otherwise.
 */
export async function openRunSpace(request: RunSpaceRequest): Promise<RunSpace> {
  const problem = runVolumeProblem();
  if (problem) {
    if (request.acceptNoQuota) return { worktreePath: unquotedWorktreePath(request.dataDir, request.runId) };
    throw new WorkspaceError(
      `cannot cap the run's disk use: ${problem}; run Slipway as root on Linux, or accept runs without a disk quota with sandbox.acceptWeaker: [disk-quota]`,
      { code: "workspace_failed" },
    );
  }
  const volumes = path.join(request.dataDir, "volumes");
  const mountPoint = path.join(volumes, request.runId);
  const image = path.join(volumes, `${request.runId}.img`);
  await mkdir(volumes, { recursive: true, mode: 0o700 });
  await openRunVolume(mountPoint, image, request.diskBytes, request.signal);
  return { worktreePath: path.join(mountPoint, "worktree"), volume: { mountPoint, image } };
}

/** The volume recorded in a run's state (`state.volume`), when it has one. */
export function recordedVolume(state: RunState): RunSpace["volume"] {
  return state.volume;
}
