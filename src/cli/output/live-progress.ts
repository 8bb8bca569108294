// Prints a run's progress: plain lines always, and on a terminal a spinner line below them that
// says what runs now and for how long, redrawn at most every 100 ms and erased before any line.
// Every line's text is made inert here, the one place progress reaches the terminal: check names,
// paths, commands and error messages in it are the agent's or the repository's.
import type { ProgressEvent } from "../../pipeline/run-context.ts";
import { formatElapsed } from "../../report/figures.ts";
import { progressLine } from "../progress-printer.ts";
import { spinnerStatus } from "./spinner-status.ts";
import { eraseLine, paint, type TerminalStyle, terminalStyle } from "./terminal-style.ts";
import { terminalSafe } from "./terminal-text.ts";

export interface LiveProgressOptions {
  write: (text: string) => void;
  style: TerminalStyle;
  /** The terminal's width: the spinner line is cut to fit, since a wrapped line cannot be erased. */
  columns?: number;
  now?: () => number;
  /** Calls `tick` every `intervalMs` until the returned function is called. */
  schedule?: (tick: () => void, intervalMs: number) => () => void;
}

export interface LiveProgress {
  event: (event: ProgressEvent) => void;
  /** Erase the spinner and stop its timer; safe to call twice. */
  stop: () => void;
}

export const spinnerIntervalMs = 100;
const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

function everyInterval(tick: () => void, intervalMs: number): () => void {
  const timer = setInterval(tick, intervalMs);
  // The spinner never keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}

export function createLiveProgress(options: LiveProgressOptions): LiveProgress {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? everyInterval;
  // A terminal that reports no size (0, as a pty made without one does) gets the usual 80.
  const width = Math.max(20, (options.columns || 80) - 1);
  let status: string | undefined;
  let since = 0;
  let frame = 0;
  let drawn = false;
  let cancel: (() => void) | undefined;

  const erase = (): void => {
    if (drawn) options.write(eraseLine);
    drawn = false;
  };
  const tick = (): void => {
    if (status === undefined) return;
    const text = `${frames[frame % frames.length]} ${status} · ${formatElapsed(now() - since)}`;
    frame += 1;
    options.write(`${eraseLine}${[...text].slice(0, width).join("")}`);
    drawn = true;
  };
  const stop = (): void => {
    erase();
    cancel?.();
    cancel = undefined;
    status = undefined;
  };
  const event = (progress: ProgressEvent): void => {
    const text = progressLine(progress);
    if (text !== undefined) {
      // Escaped before our own colours and erase codes are added, which must stay live.
      const line = terminalSafe(text);
      erase();
      options.write(`${options.style.colour ? paint(line) : line}\n`);
    }
    if (!options.style.live) return;
    const next = spinnerStatus(progress);
    if (next === null) stop();
    else if (next !== undefined) {
      status = terminalSafe(next);
      since = now();
      cancel ??= schedule(tick, spinnerIntervalMs);
    }
  };
  return { event, stop };
}

/** Progress for `stream` (stderr): live on a person's terminal, plain lines on a pipe. */
export function createTerminalProgress(
  stream: { isTTY?: boolean; columns?: number; write: (text: string) => unknown },
  env: Readonly<Record<string, string | undefined>>,
): LiveProgress {
  return createLiveProgress({
    write: (text) => void stream.write(text),
    style: terminalStyle(stream, env),
    columns: stream.columns,
  });
}
