// Egress for a docker sandbox with allowed hosts: the container keeps `--network none`; the egress
// proxy's socket directory is bind-mounted read-only into it, and one long-lived bridge (socat, or
// node when the image has no socat) listens on 127.0.0.1:3128 inside for the container's life. The
// bridge runs as root: the agent's uid can neither kill it nor take its port.
import type Docker from "dockerode";
import { SandboxError } from "../../core/errors.ts";
import { detachedBridgeArgv } from "../egress/sandbox-bridge.ts";
import { controlTimeoutMs } from "./docker-engine.ts";
import { runHelper } from "./docker-exec.ts";

/** A program that can bridge TCP inside the container to the proxy's Unix socket. */
export type BridgeProgram = "socat" | "node";

/** Tried in this order: socat is lighter; node is in every node image. */
export const defaultBridgePrograms: readonly BridgeProgram[] = ["socat", "node"];

async function hasProgram(
  container: Docker.Container,
  searchPath: string,
  program: BridgeProgram,
): Promise<boolean> {
  const probe = ["sh", "-c", `command -v ${program} >/dev/null`];
  return (await runHelper(container, probe, searchPath, AbortSignal.timeout(controlTimeoutMs))) === 0;
}

/**
 * Start the bridge in `container` (as root, finding programs on `searchPath`, the platform's PATH)
 * with the first of `programs` the image has,
 * and wait until it listens. Throws SandboxError naming the image when it has none of them, or
 * when the bridge does not start.
 */
export async function startContainerBridge(
  container: Docker.Container,
  searchPath: string,
  image: string,
  programs: readonly BridgeProgram[] = defaultBridgePrograms,
): Promise<BridgeProgram> {
  for (const program of programs) {
    if (!(await hasProgram(container, searchPath, program))) continue;
    const started = await runHelper(
      container,
      detachedBridgeArgv(program),
      searchPath,
      AbortSignal.timeout(controlTimeoutMs),
    );
    if (started === 0) return program;
    throw new SandboxError(
      `the egress bridge (${program}) did not start in the docker sandbox (image "${image}"); leave the allowed hosts empty, or check that ${program} runs in the image`,
      { details: { image, program } },
    );
  }
  throw new SandboxError(
    `allowed hosts need ${programs.join(" or ")} in the image "${image}" to bridge the container to its egress proxy; add socat to the image, or leave the allowed hosts empty`,
    { code: "sandbox_unavailable", details: { image } },
  );
}
