// The `none` backend: runs commands on the host with a minimal environment. No isolation of the
// filesystem or network, so it is used only when chosen explicitly, and every run says so.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { SandboxError } from "../../core/errors.ts";
import { resolveInside } from "../../workspace/paths.ts";
import type { ExecRequest, ExecResult, Sandbox, SandboxBackend, SandboxOptions } from "../sandbox.ts";
import { sandboxEnvironment, withPathFirst } from "../sandbox-env.ts";
import { spawnCapped } from "../spawn-capped.ts";

class NoneSandbox implements Sandbox {
  readonly backend = "none";
  readonly worktree: string;
  private readonly scratch: string;
  private disposed = false;

  constructor(worktree: string, scratch: string) {
    this.worktree = worktree;
    this.scratch = scratch;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    const cwd = resolveInside(this.worktree, request.cwd ?? ".");
    const env = withPathFirst(
      sandboxEnvironment(path.join(this.scratch, "home"), path.join(this.scratch, "tmp"), request.env),
      request.pathFirst,
    );
    return spawnCapped({ ...request, argv: [request.command, ...request.args], cwd, env });
  }

  async killAll(): Promise<void> {
    // No isolation, no way to find what a command left behind: `none` says so on every run.
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await rm(this.scratch, { recursive: true, force: true });
  }
}

export const noneSandboxBackend: SandboxBackend = {
  name: "none",
  isolates: false,
  async availability() {
    return { available: true };
  },
  async create(options: SandboxOptions) {
    if (options.allowHosts.length > 0) {
      // The host's whole network is open here: an allowlist would be a promise nobody keeps.
      throw new SandboxError(
        "sandbox 'none' has no network wall, so it cannot limit traffic to allowed hosts: choose bwrap or docker, or allow no hosts",
        { code: "sandbox_unavailable", details: { allowHosts: options.allowHosts } },
      );
    }
    const scratch = await mkdtemp(path.join(tmpdir(), "slipway-none-"));
    await mkdir(path.join(scratch, "home"));
    await mkdir(path.join(scratch, "tmp"));
    return new NoneSandbox(options.worktree, scratch);
  },
};
