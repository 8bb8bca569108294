// The tiny shell programs the platform runs as root inside a sandbox container: the wrapper that
// starts each command as the agent's uid in its own process group (with a watchdog), the stop
// helper, and the reaper that ends everything of the agent's. The agent's uid can neither signal
// them (no capability, another uid) nor write their records (a root-only tmpfs).
import path from "node:path";
import { SandboxError } from "../../core/errors.ts";
import { controlDirectory } from "./container-config.ts";
import type { Identity } from "./worktree-owner.ts";

/**
 * Run as the agent: enter the working directory ($1), export the NAME=VALUE pairs up to `--`, then
 * become the command. Started by the image's shell through setpriv, with the root wrapper's clean
 * environment, so nothing the agent chose is read before its own uid is in force.
 */
const agentScript = [
  'cd "$1" || exit 126; shift',
  'while [ "$#" -gt 0 ] && [ "$1" != -- ]; do export "$1" || exit 126; shift; done',
  'shift; exec "$@"',
].join("\n");

/** Sleeps $1 seconds, then kills process group $2 (root: the agent cannot kill it first). */
const watchdogScript = 'sleep "$1"; kill -s KILL -- "-$2" 2>/dev/null';

/**
 * Runs as root: starts "$@" (the agent script's arguments) as uid $3:$4 in a new session (its
 * process group is its own pid), records that pid in the root-only file $1 for the stop helper,
 * starts a watchdog that kills the group after $2 seconds, waits for the command, kills what it left
 * in its group (a background job would otherwise hold the output pipes open), clears the record and
 * exits with the command's status. The command gets the wrapper's stdin through fd 3: an
 * asynchronous list's stdin is /dev/null.
 */
const wrapperScript = [
  "f=$1; t=$2; u=$3; g=$4; shift 4; exec 3<&0",
  `setsid setpriv --reuid="$u" --regid="$g" --clear-groups -- sh -c '${agentScript}' slipway-command "$@" <&3 3<&- & c=$!`,
  'exec 3<&-; echo "$c" > "$f"',
  // Started before the command can fork far: when a fork bomb holds every pid the agent may have,
  // this root process is already inside and needs no new pid to kill the group.
  `setsid sh -c '${watchdogScript}' slipway-watchdog "$t" "$c" </dev/null >/dev/null 2>&1 & w=$!`,
  'wait "$c"; s=$?',
  'kill -s KILL -- "-$c" "-$w" "$w" 2>/dev/null',
  'rm -f "$f" 2>/dev/null || : > "$f"',
  'exit "$s"',
].join("\n");

/**
 * Sends the signal $2 to the process group recorded in $1 (and to its leader). Exit 3: no record
 * yet (the wrapper has not started the command) or any more (it has ended).
 */
const stopScript = 'read c < "$1" 2>/dev/null || exit 3; kill -s "$2" -- "-$c" "$c" 2>/dev/null; exit 0';

/** Rounds of kill-then-look the reaper makes before it reports that something of the agent's is left. */
export const reaperRounds = 100;

/**
 * Ends every process of the agent's, whatever it did to hide, and exits 0 once /proc shows none; 1
 * when some is still there after `reaperRounds` rounds. Each round kills with kill(-1, SIGKILL) sent
 * as the agent's uid $1:$2: the kernel signals every process that uid may signal in one pass under
 * its task-list lock, and a child forked meanwhile gets the signal too, so a fork chain that hops
 * pids cannot slip between two reads of /proc (no pid list, nothing the agent can forge or write).
 * Then it looks: a process counts as the agent's when its real uid is not root (every process of
 * the platform's is root), read from /proc/<pid>/status, which a non-dumpable process cannot hide.
 * Killed processes linger as zombies until the init reaps them, hence the rounds.
 */
const reaperScript = [
  "u=$1; g=$2; n=0",
  `while [ "$n" -lt ${reaperRounds} ]; do`,
  "  left=0",
  "  for d in /proc/[0-9]*; do",
  '    while read -r k r _; do [ "$k" = Uid: ] || continue; [ "$r" = 0 ] || left=1; break; done 2>/dev/null < "$d/status"',
  "  done",
  '  [ "$left" = 0 ] && exit 0',
  `  setpriv --reuid="$u" --regid="$g" --clear-groups -- sh -c 'kill -s KILL -- -1' 2>/dev/null`,
  "  n=$((n + 1)); sleep 0.02",
  "done",
  "exit 1",
].join("\n");

/** Exit status of the reaper when it could not end everything of the agent's. */
export const somethingLeft = 1;

/** The argv of the reaper for the agent `identity`. */
export function reaperArgv(identity: Identity): string[] {
  return ["sh", "-c", reaperScript, "slipway-reap", String(identity.uid), String(identity.gid)];
}

/** Exit status of the stop helper when there is no process group to signal. */
export const nothingToStop = 3;

/** The file inside the container where command `commandId`'s wrapper records its process group. */
export function processGroupFile(commandId: string): string {
  return path.posix.join(controlDirectory, commandId);
}

/** How long after its time limit the in-container watchdog kills a command the host could not stop. */
export const watchdogGraceMs = 1_000;

/** A variable name the agent script can export (anything else would make `export` fail or misread). */
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What one command needs: who runs it, where, with what environment, for how long. */
export interface WrappedCommand {
  commandId: string;
  identity: Identity;
  /** Working directory inside the container. */
  workingDir: string;
  env: Record<string, string>;
  command: string;
  args: string[];
  timeoutMs: number;
}

/**
 * The argv that runs the command under the root wrapper, killed inside at `timeoutMs` + grace at the
 * latest. Throws SandboxError for an environment name the shell cannot export.
 */
export function wrappedArgv(run: WrappedCommand): string[] {
  const seconds = ((run.timeoutMs + watchdogGraceMs) / 1000).toFixed(3);
  const pairs = Object.entries(run.env).map(([name, value]) => {
    if (!variableName.test(name)) {
      throw new SandboxError(
        `the environment name ${JSON.stringify(name)} cannot be passed to a docker sandbox command; use letters, digits and underscores, not starting with a digit`,
        { details: { name } },
      );
    }
    return `${name}=${value}`;
  });
  return [
    "sh",
    "-c",
    wrapperScript,
    "slipway-exec",
    processGroupFile(run.commandId),
    seconds,
    String(run.identity.uid),
    String(run.identity.gid),
    run.workingDir,
    ...pairs,
    "--",
    run.command,
    ...run.args,
  ];
}

/** The argv that sends `signal` to command `commandId`'s process group. */
export function stopArgv(commandId: string, signal: "TERM" | "KILL"): string[] {
  return ["sh", "-c", stopScript, "slipway-stop", processGroupFile(commandId), signal];
}

/**
 * The PATH the platform's root helpers run with: the entries of `insidePath` that lie on the
 * read-only root or read-only mounts, never under a directory the agent can write (`writable`), so
 * no program the agent planted is ever run as root.
 */
export function platformPath(insidePath: string, writable: readonly string[]): string {
  const under = (entry: string, directory: string) =>
    entry === directory || entry.startsWith(`${directory}/`);
  return insidePath
    .split(":")
    .filter((entry) => path.posix.isAbsolute(entry) && !entry.split("/").includes(".."))
    .filter((entry) => !writable.some((directory) => under(entry, directory)))
    .join(":");
}
