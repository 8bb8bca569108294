// The hiding processes the process-containment suite starts inside a sandbox: a writer whose main
// thread has exited (its leader shows Z while a thread writes a line every 50 ms), combined with
// setsid and a double fork, a SIGSTOP, or a tracer that swallows signals — and the host-side look
// at what is still running, thread by thread, since a zombie leader's own /proc entry shows nothing.
import { readdirSync, readFileSync } from "node:fs";

/** How the writer hides, besides its exited main thread. */
export type HidingTrick = "zombie-leader" | "setsid-double-fork" | "stopped" | "ptrace";

/**
 * python3 WRITER-FILE TRICK MARKER: writes a line every 50 ms from a thread; the main thread exits.
 * Every trick leaves the command's process group (setpgid, or setsid after a double fork).
 */
export const writerPayload = `
import ctypes, os, signal, sys, threading, time
out, trick = sys.argv[1], sys.argv[2]
def writer():
    with open(out + ".tid", "w") as f:
        f.write(str(threading.get_native_id()))
    n = 0
    while True:
        with open(out, "a") as f:
            f.write(str(n) + "\\n")
        n += 1
        if trick == "stopped" and n == 3:
            os.kill(os.getpid(), signal.SIGSTOP)
        time.sleep(0.05)
if trick == "setsid-double-fork":
    if os.fork() > 0: os._exit(0)
    os.setsid()
    if os.fork() > 0: os._exit(0)
else:
    # Out of the command's process group, so a kill of the group misses it.
    os.setpgid(0, 0)
threading.Thread(target=writer).start()
ctypes.CDLL(None).pthread_exit(None)
`;

/**
 * python3 TID-FILE MARKER: a tracer that seizes the writer's thread and resumes every stop without
 * its signal (so SIGTERM or SIGSTOP never reach it), itself a zombie leader with a live thread.
 */
export const tracerPayload = `
import ctypes, os, sys, threading, time
tid_file = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
os.setpgid(0, 0)
def trace():
    for _ in range(200):
        try:
            tid = int(open(tid_file).read())
            break
        except (OSError, ValueError):
            time.sleep(0.02)
    if libc.ptrace(0x4206, tid, None, None) != 0:
        os._exit(3)
    with open(tid_file + ".traced", "w") as f:
        f.write("seized")
    while True:
        pid, status = os.waitpid(-1, 0x40000000)
        libc.ptrace(7, pid, None, None)
threading.Thread(target=trace).start()
libc.pthread_exit(None)
`;

/** The shell script that starts the writer with `trick` and returns once it has written (and been traced). */
export function hidingScript(trick: HidingTrick, marker: string, then: string): string {
  const tracer =
    trick === "ptrace"
      ? `python3 tracer.py beat.txt.tid ${marker} </dev/null >/dev/null 2>&1 &
i=0; while [ ! -s beat.txt.tid.traced ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
`
      : "";
  return `python3 writer.py beat.txt ${trick} ${marker} </dev/null >/dev/null 2>&1 &
i=0; while [ ! -s beat.txt ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
${tracer}echo started; echo started > started.txt
${then}`;
}

function taskState(pid: string, tid: string): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}

function taskArguments(pid: string, tid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/task/${tid}/cmdline`, "utf8").split("\0");
  } catch {
    // The thread ended while the table was read.
    return [];
  }
}

/**
 * Host threads (any state but dead or zombie: running, sleeping, stopped, traced) of processes
 * with `marker` among their arguments. Read per thread: a zombie leader's own cmdline is empty.
 */
export function liveThreadsWith(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const state = taskState(pid, tid);
      if (state === undefined || state === "Z" || state === "X") continue;
      if (taskArguments(pid, tid).includes(marker)) found.push(`${pid}/${tid} (${state})`);
    }
  }
  return found;
}
