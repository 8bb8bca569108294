// A reader that closes its end of stdout early (`slipway logs RUN | head`) ends the output quietly:
// no EPIPE stack trace, and a command that keeps printing (logs -f) can stop. Writes after that are
// dropped; the command itself (a run's clean-up, a store's close) still finishes.

const closed = new AbortController();
let watching = false;

/**
 * Start watching `stream` (stdout) for a closed reader; the returned signal aborts when it closes.
 * Safe to call more than once.
 */
export function watchStdoutClosed(stream: NodeJS.WriteStream = process.stdout): AbortSignal {
  if (!watching) {
    watching = true;
    stream.on("error", (error: NodeJS.ErrnoException) => {
      // EPIPE: the reader went away. Any other write error leaves nowhere to print either.
      closed.abort(error);
    });
  }
  return closed.signal;
}
