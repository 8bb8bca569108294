// A bwrap sandbox's long-lived process space for the agent's commands: started at the first command
// that asks for it, started again when it has ended (a command killed its server, or could not be
// stopped), and given up for the sandbox's life when it cannot start at all — those commands then
// run in a process space of their own each, behind the same walls, only slower.
import { SandboxError } from "../../core/errors.ts";
import type { ExecResult } from "../sandbox.ts";
import { CommandSession, type SessionCommand, type SessionLaunch } from "./command-session.ts";

export class SharedProcessSpace {
  private readonly launch: SessionLaunch | { problem: string };
  private session: Promise<CommandSession> | undefined;
  private unavailable: string | undefined;
  private closed = false;

  constructor(launch: SessionLaunch | { problem: string }) {
    this.launch = launch;
    if ("problem" in launch) this.unavailable = launch.problem;
  }

  /** Why commands that ask for the shared process space get their own instead, if they do. */
  get problem(): string | undefined {
    return this.unavailable;
  }

  /** Run `command` in the shared process space, or return undefined when there is none to run in. */
  async run(command: SessionCommand): Promise<ExecResult | undefined> {
    const session = await this.current();
    return session?.run(command);
  }

  /**
   * End the current process space and everything in it; the next command starts a new one. With
   * `prove`, a SandboxError unless the space's pid namespace is shown to be empty afterwards.
   */
  async end(prove = false): Promise<void> {
    const current = this.session;
    this.session = undefined;
    const session = await current?.catch(() => undefined);
    await session?.close();
    if (prove && session && !(await session.namespaceEnded())) {
      throw new SandboxError(
        "the shared process space's pid namespace could not be shown to have ended; the run cannot prove nothing of the agent's still runs",
      );
    }
  }

  /** End the process space and everything in it. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    const session = await this.session?.catch(() => undefined);
    await session?.close();
  }

  private async current(): Promise<CommandSession | undefined> {
    if (this.unavailable !== undefined || this.closed || "problem" in this.launch) return undefined;
    const existing = this.session;
    if (existing) {
      const session = await existing.catch(() => undefined);
      if (session?.alive) return session;
      // Another command restarted it while this one waited: use that one.
      if (this.session !== existing) return this.current();
    }
    const starting = CommandSession.start(this.launch);
    this.session = starting;
    try {
      const session = await starting;
      // dispose() came while it started: it must not outlive the sandbox.
      if (this.closed) await session.close();
      return this.closed ? undefined : session;
    } catch (error) {
      this.unavailable = (error as Error).message;
      return undefined;
    }
  }
}
