// The owner's heartbeat: while the platform process that opened a docker sandbox lives, it rewrites
// a counter in a small host directory mounted read-only into the container; the container's root
// keep-alive stops the container (and everything of the agent's in it) once the counter has stood
// still too long — a `kill -9`ed or hung owner leaves nothing running, even if Slipway never starts again.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** Where the heartbeat directory appears inside the container. */
export const insideHeartbeatDirectory = "/run/slipway-owner";
/** The counter's file name, in the directory on the host and inside. */
export const heartbeatFileName = "beat";

/** How often the owner beats, and after how many missed beats the container stops itself. */
export interface HeartbeatSettings {
  intervalMs: number;
  missedBeats: number;
}

/**
 * Defaults: a beat every 10 s, the container stops after 3 minutes without one — far beyond any
 * pause of a healthy owner's event loop, short against an agent left running for hours.
 */
export const defaultHeartbeat: HeartbeatSettings = { intervalMs: 10_000, missedBeats: 18 };

export interface OwnerHeartbeat {
  /** Host directory to mount read-only at `insideHeartbeatDirectory`. */
  directory: string;
  settings: HeartbeatSettings;
  /** Stop beating and remove the directory (the container must be gone or going). */
  stop(): Promise<void>;
}

/** Start beating for one sandbox. The timer never keeps the owner process alive on its own. */
export async function startOwnerHeartbeat(
  settings: HeartbeatSettings = defaultHeartbeat,
): Promise<OwnerHeartbeat> {
  const directory = await mkdtemp(path.join(tmpdir(), "slipway-owner-"));
  const file = path.join(directory, heartbeatFileName);
  let count = 0;
  const beat = () =>
    writeFile(file, `${++count}\n`).catch(() => {
      // A full or failing /tmp: the beats stop and the container stops itself, as it must when
      // the owner cannot show it lives.
    });
  await beat();
  const timer = setInterval(beat, settings.intervalMs);
  timer.unref();
  return {
    directory,
    settings,
    async stop() {
      clearInterval(timer);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * The keep-alive command (the container's root process under its init): reads the counter every
 * interval, exits once it has not changed for `missedBeats` reads — the init then exits and the
 * engine kills every process in the container. Shell builtins but `sleep`.
 */
export function keepAliveArgv(settings: HeartbeatSettings): string[] {
  const seconds = (settings.intervalMs / 1000).toFixed(3);
  const script = [
    "last=; missed=0",
    "while :; do",
    `  sleep ${seconds}`,
    `  read beat < ${insideHeartbeatDirectory}/${heartbeatFileName} 2>/dev/null || beat=`,
    '  if [ -n "$beat" ] && [ "$beat" != "$last" ]; then last=$beat; missed=0; else missed=$((missed + 1)); fi',
    `  [ "$missed" -ge ${settings.missedBeats} ] && exit 0`,
    "done",
  ].join("\n");
  return ["sh", "-c", script, "slipway-keep-alive"];
}
