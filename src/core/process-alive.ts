// Whether a process still exists on this host: the one test behind crash recovery, stale mirror
// locks and leftover sandbox containers.

/** True when process `pid` exists on this host (a process of another user counts as alive). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user; it is alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
