// The host half of one sandbox's egress, as the backends use it: a private directory holding the
// proxy's Unix socket (the directory a backend mounts read-only into the sandbox), the proxy for
// the sandbox's allowlist, and the variables that point programs inside at the bridge.
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { SandboxError } from "../../core/errors.ts";
import type { SandboxOptions } from "../sandbox.ts";
import type { HostResolver } from "./egress-decision.ts";
import { type EgressLimits, startEgressProxy } from "./egress-proxy.ts";
import { maxSocketPathBytes, proxyEnvironment, proxySocketName } from "./sandbox-bridge.ts";

/** Backend settings for egress; tests give a resolver table so a test name reaches a test target. */
export interface EgressSettings {
  resolve?: HostResolver;
  /** Ranges (CIDR) allowed hosts may resolve to although the address policy refuses them (`sandbox.egressAllowAddresses`). */
  allowAddresses?: readonly string[];
  limits?: Partial<EgressLimits>;
}

/** One sandbox's egress on the host; `close()` stops the proxy and removes the directory. */
export interface SandboxEgress {
  /** Host directory holding the proxy's socket: mount it read-only at `insideSocketDirectory`. */
  socketDirectory: string;
  /** The proxy variables for every command in the sandbox. */
  environment: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Start the egress proxy for `options.allowHosts` (non-empty) in a new private directory. Throws
 * InputError for a bad allowlist entry, SandboxError when the proxy cannot listen.
 */
export async function openSandboxEgress(
  options: SandboxOptions,
  settings: EgressSettings = {},
): Promise<SandboxEgress> {
  // 0700: no other host user can reach the socket; the sandbox sees only the inner directory.
  const privateDirectory = await mkdtemp(path.join(tmpdir(), "slipway-egress-"));
  try {
    const socketDirectory = path.join(privateDirectory, "socket");
    // 0711: a docker sandbox's user (not the platform's uid) must traverse it to reach the socket.
    await mkdir(socketDirectory);
    await chmod(socketDirectory, 0o711);
    const socketPath = path.join(socketDirectory, proxySocketName);
    if (Buffer.byteLength(socketPath) > maxSocketPathBytes) {
      throw new SandboxError(
        `the egress proxy's socket path ${socketPath} is longer than ${maxSocketPathBytes} bytes; set TMPDIR to a shorter directory`,
        { code: "sandbox_unavailable", details: { socketPath } },
      );
    }
    const proxy = await startEgressProxy({
      socketPath,
      allowHosts: options.allowHosts,
      resolve: settings.resolve,
      allowAddresses: settings.allowAddresses,
      onDecision: options.onEgress,
      limits: settings.limits,
    });
    return {
      socketDirectory,
      environment: proxyEnvironment(),
      async close() {
        try {
          await proxy.close();
        } finally {
          await rm(privateDirectory, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(privateDirectory, { recursive: true, force: true });
    throw error;
  }
}
