// Egress for a bwrap sandbox with allowed hosts: the host's proxy (one per sandbox) and, in every
// command's own network namespace, the socat bridge from 127.0.0.1:3128 to the proxy's socket.
// socat comes from the host's /usr/bin, which every sandbox mounts read-only.
import path from "node:path";
import { SandboxError } from "../../core/errors.ts";
import { bridgedArgv } from "../egress/sandbox-bridge.ts";
import { type EgressSettings, openSandboxEgress, type SandboxEgress } from "../egress/sandbox-egress.ts";
import type { SandboxOptions } from "../sandbox.ts";
import { findOnPath } from "./toolchain-mounts.ts";

/** Where socat is looked for: system directories only, as those are mounted inside too. */
const systemBinaries = ["/usr/bin", "/bin"].join(path.delimiter);

export interface BwrapEgress {
  host: SandboxEgress;
  /** socat's path, the same on the host and inside. */
  socatPath: string;
}

const socatMissing =
  "allowed hosts need socat in /usr/bin to bridge the sandbox to its egress proxy: install it with `apt-get install socat`, or leave the allowed hosts empty";

/** Why bwrap sandboxes cannot have allowed hosts here (for `slipway doctor`), or undefined when they can. */
export function bwrapEgressProblem(): string | undefined {
  return findOnPath("socat", systemBinaries) ? undefined : socatMissing;
}

/** The egress of a sandbox for `options`, or undefined when it allows no host (no network at all). */
export async function openBwrapEgress(
  options: SandboxOptions,
  settings: EgressSettings = {},
): Promise<BwrapEgress | undefined> {
  if (options.allowHosts.length === 0) return undefined;
  const socatPath = findOnPath("socat", systemBinaries);
  if (!socatPath) {
    throw new SandboxError(socatMissing, {
      code: "sandbox_unavailable",
      details: { allowHosts: options.allowHosts },
    });
  }
  return { host: await openSandboxEgress(options, settings), socatPath };
}

/** `argv` as run inside a sandbox with `egress`: after the bridge is up; unchanged without egress. */
export function egressArgv(egress: BwrapEgress | undefined, argv: string[]): string[] {
  return egress ? bridgedArgv(egress.socatPath, argv) : argv;
}
