// The life of a sandbox's container on the engine: the local image check, create-and-start with a
// check that the image can run the command wrapper, and forced removal.
import type Docker from "dockerode";
import type { ContainerCreateOptions } from "dockerode";
import { SandboxError } from "../../core/errors.ts";
import {
  controlTimeoutMs,
  engineMessage,
  engineStatus,
  engineUnreachableReason,
  ImageFacts,
  withinTime,
} from "./docker-engine.ts";
import { runHelper } from "./docker-exec.ts";

/**
 * What the command wrapper needs in the image, on the platform's PATH: a POSIX shell, setsid and
 * setpriv (util-linux) and sleep.
 */
const wrapperProbe = ["sh", "-c", "command -v setsid && command -v setpriv && command -v sleep"];

/**
 * The local image `name`, or a SandboxError naming it when the engine does not have it. Never pulls:
 * a sandbox image is chosen and fetched by the operator, not on demand by a run.
 */
export async function localImage(docker: Docker, name: string, socketPath: string): Promise<ImageFacts> {
  try {
    const facts = await withinTime(docker.getImage(name).inspect(), controlTimeoutMs, "the image check");
    return ImageFacts.parse(facts);
  } catch (error) {
    if (engineStatus(error) === 404) {
      throw new SandboxError(
        `the Docker image "${name}" is not present locally and Slipway never pulls; run \`docker pull ${name}\` (or build it), or configure another sandbox image`,
        { code: "sandbox_unavailable", details: { image: name }, cause: error },
      );
    }
    throw new SandboxError(engineUnreachableReason(socketPath, error), {
      code: "sandbox_unavailable",
      cause: error,
    });
  }
}

/** Remove `container` and everything running in it; one already gone or being removed is fine. */
export async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true, abortSignal: AbortSignal.timeout(controlTimeoutMs) });
  } catch (error) {
    const status = engineStatus(error);
    // 404: already removed; 409: a removal is already in progress. Either way it goes.
    if (status === 404 || status === 409) return;
    throw new SandboxError(
      `could not remove sandbox container ${container.id}: ${engineMessage(error)}; remove it with \`docker rm -f ${container.id}\``,
      {
        details: { container: container.id },
        cause: error,
      },
    );
  }
}

/** The container's exit code when it is no longer running (its keep-alive shell failed), else undefined. */
async function exitedWith(container: Docker.Container): Promise<number | undefined> {
  const state = await container.inspect({ abortSignal: AbortSignal.timeout(controlTimeoutMs) });
  return state.State.Running ? undefined : state.State.ExitCode;
}

/**
 * Run the wrapper's probe; a SandboxError naming the image when it lacks `sh` or `setsid` — seen as
 * the probe failing, or as the container having exited because its keep-alive shell could not start.
 */
async function checkWrapperRuns(
  container: Docker.Container,
  searchPath: string,
  image: string,
): Promise<void> {
  const timeout = AbortSignal.timeout(controlTimeoutMs);
  const probe = await runHelper(container, wrapperProbe, searchPath, timeout).catch(
    (error: unknown) => error,
  );
  if (probe === 0) return;
  const exitCode = await exitedWith(container);
  // A failed call while the container still runs is the engine's failure, not the image's.
  if (exitCode === undefined && typeof probe !== "number") throw probe;
  const exited = exitCode === undefined ? "" : ` (its keep-alive shell exited with code ${exitCode})`;
  throw new SandboxError(
    `the image "${image}" cannot run the docker sandbox's commands${exited}: it needs \`sh\`, \`sleep\`, \`setsid\` and \`setpriv\` (util-linux) on a PATH entry outside the sandbox's writable directories; use an image such as node:24`,
    { code: "sandbox_unavailable", details: { image, exitCode } },
  );
}

/**
 * Create and start the container of `definition`, and check it can run the wrapper with
 * `searchPath` (the platform's PATH); removed on failure.
 */
export async function startContainer(
  docker: Docker,
  definition: ContainerCreateOptions,
  image: string,
  searchPath: string,
): Promise<Docker.Container> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      ...definition,
      abortSignal: AbortSignal.timeout(controlTimeoutMs),
    });
  } catch (error) {
    throw new SandboxError(`the Docker engine refused the sandbox container: ${engineMessage(error)}`, {
      details: { image },
      cause: error,
    });
  }
  try {
    await container.start({ abortSignal: AbortSignal.timeout(controlTimeoutMs) });
    await checkWrapperRuns(container, searchPath, image);
    return container;
  } catch (error) {
    await removeContainer(container).catch(() => {
      // The start failure is the one to report; a leftover is found later by removeLeftoverContainers.
    });
    if (SandboxError.isInstance(error)) throw error;
    throw new SandboxError(`the sandbox container did not start: ${engineMessage(error)}`, {
      details: { image },
      cause: error,
    });
  }
}
