// The protections of a bwrap sandbox that some hosts cannot give (no cgroups without root, an old
// kernel), by the names `sandbox.acceptWeaker` uses: a run refuses to start without one of them
// unless the configuration accepts that it is missing. Kept free of imports: the config reads it.

/** What each protection is, and what holds in its place when it is missing. */
export const weakerProtections = {
  "memory-cgroup": {
    gives: "one memory cap for all its processes together",
    without: "each process is capped alone (RLIMIT_DATA), so many processes together can use more",
  },
  "kill-cgroup": {
    gives: "a kernel-confirmed end of every process it started, by cgroup.kill",
    without:
      "processes are ended by their pid namespace and the reaper inside the shared space, which the kernel does not confirm",
  },
  "disk-quota": {
    gives: "a filesystem of a fixed size (sandbox.diskMb) for the run's worktree",
    without: "what the sandbox writes into the worktree can fill the disk that holds Slipway's store",
  },
} as const;

export type WeakerProtection = keyof typeof weakerProtections;

export const weakerProtectionNames = Object.keys(weakerProtections) as [
  WeakerProtection,
  ...WeakerProtection[],
];

/**
 * One line refusing to start a sandbox without the protections in `missing` that `accepted` does
 * not list, or undefined when every missing one is accepted.
 */
export function weakerProtectionRefusal(
  missing: readonly WeakerProtection[],
  accepted: readonly WeakerProtection[],
): string | undefined {
  const refused = missing.filter((name) => !accepted.includes(name));
  if (refused.length === 0) return undefined;
  const what = refused.map((name) => `${name} (${weakerProtections[name].gives})`).join(" and ");
  const setting = JSON.stringify([...new Set([...accepted, ...refused])]);
  return `this host cannot give the bwrap sandbox ${what}: give Slipway writable cgroups (run it as root, or in a delegated cgroup v2; see \`slipway doctor\`), or accept the weaker sandbox with sandbox.acceptWeaker: ${setting}`;
}
