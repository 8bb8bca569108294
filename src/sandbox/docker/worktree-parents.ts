// The way to the worktree inside a docker sandbox. The worktree is mounted at its own host path;
// an image's directory on that way may be closed to the agent's uid (Debian's /root is 0700, so a
// data directory under /root could not be entered). Like bwrap's empty root, the top directory of
// the path is covered by a read-only host directory holding only empty directories down to the
// sandbox's mount points, unless it is a system directory the image's programs live in.
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { isWithin } from "../mount-safety.ts";

/** Top directories never covered: the image's programs, libraries and configuration live there. */
const systemTops = new Set([
  "/usr",
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/etc",
  "/opt",
  "/var",
  "/run",
  "/proc",
  "/sys",
  "/dev",
  "/boot",
  "/nix",
  "/snap",
  // A tmpfs of the sandbox's own, open to every uid (1777).
  "/tmp",
]);

/** The top directory of `worktree` that gets covered (`/root` for `/root/.slipway/…`), if any. */
export function coveredTop(worktree: string): string | undefined {
  const first = worktree.split("/").filter(Boolean)[0];
  if (!first) return undefined;
  const top = `/${first}`;
  return systemTops.has(top) || top === worktree ? undefined : top;
}

/** The covering directory on the host and where it is mounted inside. */
export interface WorktreeParents {
  source: string;
  target: string;
}

/**
 * Make the covering directory for `worktree`: under `top`, an empty directory (0755) for each of
 * `mountPoints` below it (the worktree, the HOME tmpfs, toolchain mounts), so the engine finds its
 * mount points there without writing to the read-only mount. Undefined when nothing is covered.
 */
export async function prepareWorktreeParents(
  worktree: string,
  mountPoints: readonly string[],
): Promise<WorktreeParents | undefined> {
  const top = coveredTop(worktree);
  if (!top) return undefined;
  const source = await mkdtemp(path.join(tmpdir(), "slipway-docker-parents-"));
  try {
    for (const mountPoint of [worktree, ...mountPoints]) {
      if (mountPoint === top || !isWithin(mountPoint, top)) continue;
      await makeWalkable(source, path.relative(top, mountPoint).split(path.sep));
    }
    // mkdtemp makes 0700 (and a umask may narrow mkdir's mode): the agent's uid must walk through.
    await chmod(source, 0o755);
    return { source, target: top };
  } catch (error) {
    await rm(source, { recursive: true, force: true });
    throw error;
  }
}

/** Make each directory of `names` below `root`, one level at a time, each 0755 whatever the umask. */
async function makeWalkable(root: string, names: readonly string[]): Promise<void> {
  let current = root;
  for (const name of names) {
    current = path.join(current, name);
    await mkdir(current, { recursive: true });
    await chmod(current, 0o755);
  }
}

/** Remove the covering directory (the container that mounted it must be gone). */
export async function removeWorktreeParents(parents: WorktreeParents | undefined): Promise<void> {
  if (parents) await rm(parents.source, { recursive: true, force: true });
}
