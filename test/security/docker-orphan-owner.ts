// Run as a child process by docker-leftovers.test.ts: open a docker sandbox (labelled as argv[3]
// says, for the worktree argv[2]), start `sleep $SLIPWAY_TEST_MARKER` in it (an environment value,
// so only the container's processes carry the marker as an argument), print the container id and
// wait to be killed — the owner a `kill -9` of `slipway run` or `sandbox exec` leaves behind.
import { type DockerSandbox, dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { testImage } from "../../src/sandbox/docker/test-image.ts";

const [worktree, label] = process.argv.slice(2);
const marker = process.env.SLIPWAY_TEST_MARKER;
if (!worktree || !label || !marker)
  throw new Error("usage: SLIPWAY_TEST_MARKER=… docker-orphan-owner.ts WORKTREE LABEL");
const backend = dockerSandboxBackend({
  image: testImage,
  hostToolchainMounts: true,
  labels: { "slipway.test": label },
  // A fast heartbeat when the test asks for one (SLIPWAY_TEST_HEARTBEAT_MS), to watch it stop.
  ...(process.env.SLIPWAY_TEST_HEARTBEAT_MS
    ? { heartbeat: { intervalMs: Number(process.env.SLIPWAY_TEST_HEARTBEAT_MS), missedBeats: 4 } }
    : {}),
});
const sandbox = (await backend.create({
  worktree,
  allowHosts: [],
  memoryMb: 256,
  maxProcesses: 64,
})) as DockerSandbox;
void sandbox.exec({ command: "sleep", args: [marker], timeoutMs: 600_000, maxOutputBytes: 1024 });
process.stdout.write(`${sandbox.containerId}\n`);
// Bounded: the test kills this process within seconds; it never outlives ten minutes.
setTimeout(() => process.exit(0), 600_000);
