// The two tiny shell programs that give each command in the long-lived container its own process
// group: the wrapper that runs it (and ends what it leaves behind), and the stop helper.
import path from "node:path";
import { controlDirectory } from "./container-config.ts";

/** Sleeps $1 seconds, then kills process group $2. */
const watchdogScript = 'sleep "$1"; kill -s KILL -- "-$2" 2>/dev/null';

/**
 * Runs "$@" in a new session (so its process group is its own pid), records that pid in the file
 * $1 for the stop helper, waits for it, then kills whatever it left in its group — a background
 * job would otherwise hold the output pipes open — clears the record (emptied when the image has no
 * `rm`) and exits with the command's status.
 * The command gets the wrapper's stdin through fd 3: an asynchronous list's stdin is /dev/null.
 */
const wrapperScript = [
  'f=$1; t=$2; shift 2; exec 3<&0; setsid "$@" <&3 3<&- & c=$!; exec 3<&-',
  'echo "$c" > "$f"',
  // The watchdog is started before the command can fork: when a fork bomb holds every allowed
  // pid, no stop helper can enter the container, but this process is already inside.
  `setsid sh -c '${watchdogScript}' slipway-watchdog "$t" "$c" </dev/null >/dev/null 2>&1 & w=$!`,
  'wait "$c"; s=$?',
  'kill -s KILL -- "-$c" "-$w" "$w" 2>/dev/null',
  'rm -f "$f" 2>/dev/null || : > "$f"',
  'exit "$s"',
].join("\n");

/**
 * Sends the signal $2 to the process group recorded in $1 (and to its leader, in case it has not
 * called setsid yet). Shell builtins only: it must work when a fork bomb holds every allowed pid.
 * Exit 3: no record yet (the wrapper has not started the command) or any more (it has ended);
 * `read` fails on a missing or empty file alike.
 */
const stopScript = 'read c < "$1" 2>/dev/null || exit 3; kill -s "$2" -- "-$c" "$c" 2>/dev/null; exit 0';

/**
 * Kills every process in the container but init (pid 1), itself, and the sandbox's own long-lived
 * processes (their pids in the `keep-*` files: the keep-alive shell, the egress bridge) with their
 * children: what a finished command left behind by leaving its process group (setsid, a detached
 * child). Run only while no command is running. Shell builtins only, like the stop helper.
 */
const reaperScript = [
  'keep=" "; for f in "$1"/keep-*; do read k < "$f" 2>/dev/null && keep="$keep$k "; done',
  "for d in /proc/[0-9]*; do",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  "  p=${d#/proc/}",
  '  if [ "$p" = 1 ] || [ "$p" = "$$" ]; then continue; fi',
  '  case "$keep" in *" $p "*) continue ;; esac',
  '  read -r s < "$d/stat" 2>/dev/null || continue',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  "  s=${s##*) }; set -- $s",
  '  case "$keep" in *" $2 "*) continue ;; esac',
  '  kill -s KILL "$p" 2>/dev/null',
  "done",
  "exit 0",
].join("\n");

/** The argv of the reaper, given the directory of the `keep-*` pid files. */
export function reaperArgv(keepDirectory: string): string[] {
  return ["sh", "-c", reaperScript, "slipway-reap", keepDirectory];
}

/** Exit status of the stop helper when there is no process group to signal. */
export const nothingToStop = 3;

/** The file inside the container where command `commandId` records its process group. */
export function processGroupFile(commandId: string): string {
  return path.posix.join(controlDirectory, commandId);
}

/** How long after its time limit the in-container watchdog kills a command the host could not stop. */
export const watchdogGraceMs = 1_000;

/** The argv that runs `command args` under the wrapper, killed inside at `timeoutMs` + grace at the latest. */
export function wrappedArgv(commandId: string, command: string, args: string[], timeoutMs: number): string[] {
  const seconds = ((timeoutMs + watchdogGraceMs) / 1000).toFixed(3);
  return ["sh", "-c", wrapperScript, "slipway-exec", processGroupFile(commandId), seconds, command, ...args];
}

/** The argv that sends `signal` to command `commandId`'s process group. */
export function stopArgv(commandId: string, signal: "TERM" | "KILL"): string[] {
  return ["sh", "-c", stopScript, "slipway-stop", processGroupFile(commandId), signal];
}
