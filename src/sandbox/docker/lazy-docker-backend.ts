// The docker backend as the registry lists it: the Docker client library is loaded on first use,
// so commands that never touch Docker (every `slipway` start) do not pay for loading it.
import type { SandboxBackend } from "../sandbox.ts";
import type { DockerBackendOptions } from "./docker-sandbox.ts";

/** The image the registry's docker backend uses unless `sandbox.dockerImage` says otherwise. */
export const defaultDockerImage = "node:24";

export function lazyDockerSandboxBackend(options: DockerBackendOptions): SandboxBackend {
  let loaded: Promise<SandboxBackend> | undefined;
  const backend = (): Promise<SandboxBackend> => {
    loaded ??= import("./docker-sandbox.ts").then((module) => module.dockerSandboxBackend(options));
    return loaded;
  };
  return {
    name: "docker",
    isolates: true,
    availability: async () => (await backend()).availability(),
    create: async (sandboxOptions) => (await backend()).create(sandboxOptions),
  };
}
