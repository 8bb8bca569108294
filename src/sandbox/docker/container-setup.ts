// What runs in a freshly started sandbox container before its first command, as the platform's
// root: each declared volume's tmpfs opened to the agent, and the egress bridge started.
import type Docker from "dockerode";
import { volumeDirectories } from "./container-config.ts";
import { startContainerBridge } from "./docker-egress.ts";
import { controlTimeoutMs } from "./docker-engine.ts";
import { runHelper } from "./docker-exec.ts";
import type { DockerBackendOptions } from "./docker-sandbox.ts";
import { removeContainer } from "./sandbox-container.ts";
import type { PreparedSandbox } from "./sandbox-preparation.ts";

/**
 * Make each declared volume's tmpfs writable by the agent, as /tmp is. The engine gives the tmpfs
 * the image directory's owner and mode whatever its options say; root owns it, so chmod needs no
 * capability. A volume the image gave to another owner stays as the image made it.
 */
async function openVolumes(
  container: Docker.Container,
  volumes: string[],
  helperPath: string,
): Promise<void> {
  if (volumes.length === 0) return;
  const argv = ["sh", "-c", 'chmod 1777 -- "$@" 2>/dev/null; exit 0', "slipway-volumes", ...volumes];
  await runHelper(container, argv, helperPath, AbortSignal.timeout(controlTimeoutMs));
}

/** Set up `container` for `prepared`; the container is removed when any step fails. */
export async function setUpContainer(
  container: Docker.Container,
  prepared: PreparedSandbox,
  settings: DockerBackendOptions,
): Promise<void> {
  try {
    const volumes = volumeDirectories({
      worktree: prepared.realWorktree,
      declaredVolumes: prepared.declaredVolumes,
      readOnlyDirectories: prepared.toolchain?.directories ?? [],
    });
    await openVolumes(container, volumes, prepared.helperPath);
    if (prepared.egress)
      await startContainerBridge(container, prepared.helperPath, settings.image, settings.egress?.bridges);
  } catch (error) {
    await removeContainer(container).catch(() => {
      // The set-up failure is the one to report; a leftover is found later by removeLeftoverContainers.
    });
    throw error;
  }
}
