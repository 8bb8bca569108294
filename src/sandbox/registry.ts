// The sandbox backends Slipway knows, by name, and the choice between them: `auto` takes the first
// isolating backend this host can run; `none` (no isolation) is only ever taken when asked for.
import type { SandboxConfig } from "../config/config-schema.ts";
import { SandboxError } from "../core/errors.ts";
import { type BwrapSettings, createBwrapBackend } from "./bwrap/bwrap-sandbox.ts";
import type { DockerBackendOptions } from "./docker/docker-sandbox.ts";
import { defaultDockerImage, lazyDockerSandboxBackend } from "./docker/lazy-docker-backend.ts";
import { noneSandboxBackend } from "./none/none-sandbox.ts";
import type { SandboxBackend } from "./sandbox.ts";

/** The settings of each configurable backend. */
export interface SandboxBackendSettings {
  docker: DockerBackendOptions;
  bwrap: BwrapSettings;
}

/** Every backend by name, isolating ones first in the order `auto` tries them. */
export function sandboxBackendsWith(settings: SandboxBackendSettings): ReadonlyMap<string, SandboxBackend> {
  return new Map<string, SandboxBackend>([
    ["bwrap", createBwrapBackend(settings.bwrap)],
    ["docker", lazyDockerSandboxBackend(settings.docker)],
    [noneSandboxBackend.name, noneSandboxBackend],
  ]);
}

/** The backends with their defaults: bwrap's toolchains, the docker backend on its default image. */
export const sandboxBackends: ReadonlyMap<string, SandboxBackend> = sandboxBackendsWith({
  docker: { image: defaultDockerImage },
  bwrap: {},
});

/**
 * The backends as the configuration's `sandbox` section sets them up; `dataDir` (the resolved data
 * directory) is kept out of every mount.
 */
export function configuredSandboxBackends(
  sandbox: SandboxConfig,
  dataDir: string,
): ReadonlyMap<string, SandboxBackend> {
  return sandboxBackendsWith({
    docker: {
      image: sandbox.dockerImage,
      hostToolchainMounts: sandbox.dockerHostToolchain,
      dataDir,
      egress: { allowAddresses: sandbox.egressAllowAddresses },
    },
    bwrap: configuredBwrapSettings(sandbox, dataDir),
  });
}

/** The bwrap backend's settings from the configuration's `sandbox` section. */
export function configuredBwrapSettings(sandbox: SandboxConfig, dataDir: string): BwrapSettings {
  return {
    toolchains: sandbox.toolchains,
    readOnlyMounts: sandbox.readOnlyMounts,
    dataDir,
    acceptWeaker: sandbox.acceptWeaker,
    egress: { allowAddresses: sandbox.egressAllowAddresses },
  };
}

export interface ChooseSandboxOptions {
  /** Refuse the non-isolating backend even when it is asked for by name. */
  isolationRequired: boolean;
  /** The backends to choose from; the registry's by default. */
  backends?: ReadonlyMap<string, SandboxBackend>;
}

async function chooseAutomatically(backends: ReadonlyMap<string, SandboxBackend>): Promise<SandboxBackend> {
  const reasons: string[] = [];
  for (const backend of backends.values()) {
    if (!backend.isolates) continue;
    const availability = await backend.availability();
    if (availability.available) return backend;
    reasons.push(`${backend.name}: ${availability.reason ?? "unavailable"}`);
  }
  // Each backend's reason says how to fix it; the general advice is added only when none says it.
  const fix =
    "install bubblewrap with `apt-get install bubblewrap` (or run a Docker engine with the configured image), or pass `--sandbox none` to run without isolation";
  const said = reasons.join("; ");
  const advice = said.includes("--sandbox none") ? "" : `; ${fix}`;
  throw new SandboxError(`no isolating sandbox is available${said ? `: ${said}` : ""}${advice}`, {
    code: "sandbox_unavailable",
    details: { reasons },
  });
}

async function chooseByName(
  name: string,
  backends: ReadonlyMap<string, SandboxBackend>,
  isolationRequired: boolean,
): Promise<SandboxBackend> {
  const backend = backends.get(name);
  if (!backend) {
    const known = ["auto", ...backends.keys()].join(", ");
    throw new SandboxError(`unknown sandbox backend "${name}"; choose one of: ${known}`, {
      code: "sandbox_unavailable",
      details: { backend: name, known: [...backends.keys()] },
    });
  }
  if (!backend.isolates && isolationRequired) {
    throw new SandboxError(
      `sandbox "${name}" gives no isolation and this configuration requires isolation (sandbox.isolationRequired); choose an isolating backend such as bwrap`,
      { code: "sandbox_unavailable", details: { backend: name } },
    );
  }
  const availability = await backend.availability();
  if (!availability.available) {
    throw new SandboxError(availability.reason ?? `sandbox "${name}" is not available on this host`, {
      code: "sandbox_unavailable",
      details: { backend: name },
    });
  }
  return backend;
}

/**
 * The backend for `preference`: `auto` → the first available isolating backend, else a
 * SandboxError (`sandbox_unavailable`) saying how to get one and that `--sandbox none` runs
 * without isolation; a name → that backend when known, available and allowed by `isolationRequired`.
 */
export async function chooseSandboxBackend(
  preference: "auto" | (string & {}),
  options: ChooseSandboxOptions,
): Promise<SandboxBackend> {
  const backends = options.backends ?? sandboxBackends;
  if (preference === "auto") return chooseAutomatically(backends);
  return chooseByName(preference, backends, options.isolationRequired);
}

/** The backend the `sandbox` section of the configuration asks for, chosen as `chooseSandboxBackend` does. */
export function chooseConfiguredSandbox(sandbox: SandboxConfig, dataDir: string): Promise<SandboxBackend> {
  const backends = configuredSandboxBackends(sandbox, dataDir);
  return chooseSandboxBackend(sandbox.backend, { isolationRequired: sandbox.isolationRequired, backends });
}
