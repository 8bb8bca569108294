// Breach 11, docker resources outside the caps: output sent to the container's init must not reach
// the host's disk through the engine's log, and a VOLUME the image declares must not become an
// uncapped anonymous volume on the host. Real engine; each attempt shows it ran.
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { describe, test } from "node:test";
import { connectEngine } from "../../src/sandbox/docker/docker-engine.ts";
import { ensureVolumeTestImage, volumeTestDirectory } from "../../src/sandbox/docker/test-image.ts";
import { shell } from "../../src/sandbox/sandbox.contract.ts";
import { cleanUpAfter, dockerSkip, openDockerSandbox } from "./docker-test-sandbox.ts";

const skip = await dockerSkip("the docker resource attacks");
const worktrees: string[] = [];
cleanUpAfter(skip, worktrees);

/** Bytes the engine has logged for `containerId` on this host (0 when it keeps no log file). */
async function loggedBytes(containerId: string): Promise<number> {
  const inspected = await connectEngine().getContainer(containerId).inspect();
  if (!inspected.LogPath) return 0;
  return statSync(inspected.LogPath, { throwIfNoEntry: false })?.size ?? 0;
}

const fourMegabytes = 4 * 1024 * 1024;

describe("docker log flood", () => {
  test("writing megabytes to the init's output puts nothing on the host's disk", { skip }, async () => {
    const sandbox = await openDockerSandbox(worktrees);
    const flood = `head -c ${fourMegabytes} /dev/zero | tr '\\0' x > /proc/1/fd/1; echo "tried $?"`;
    const result = await sandbox.exec(shell(flood));
    assert.match(result.stdout, /^tried \d+$/m, `the flood never ran: ${result.output}`);
    const afterAgent = await loggedBytes(sandbox.containerId);
    assert.ok(afterAgent < 1024 * 1024, `${afterAgent} bytes of the agent's flood were logged on the host`);
    // Whatever reaches the init's output (a platform helper's stray line included) is not kept:
    // the same flood written as the container's root, which can open it, is not logged either.
    const exec = await connectEngine()
      .getContainer(sandbox.containerId)
      .exec({ Cmd: ["sh", "-c", `${flood} >&2`], User: "0:0", AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const said = await new Promise<string>((resolve) => {
      let text = "";
      stream.on("data", (chunk: Buffer) => {
        text += chunk.toString("latin1");
      });
      stream.once("end", () => resolve(text));
    });
    assert.match(said, /tried 0/, "the root flood did not run");
    const afterRoot = await loggedBytes(sandbox.containerId);
    assert.ok(afterRoot < 1024 * 1024, `${afterRoot} bytes of the root flood were logged on the host`);
    await sandbox.dispose();
  });
});

describe("docker declared volumes", () => {
  test("a VOLUME of the image gets a capped tmpfs, not an anonymous volume on the host", {
    skip,
  }, async () => {
    const image = await ensureVolumeTestImage();
    const sandbox = await openDockerSandbox(worktrees, { memoryMb: 256 }, { image });
    const inspected = await connectEngine().getContainer(sandbox.containerId).inspect();
    const volumes = (inspected.Mounts ?? []).filter((mount) => mount.Type === "volume");
    assert.deepEqual(volumes, [], "the engine made an anonymous volume");
    assert.match(inspected.HostConfig.Tmpfs?.[volumeTestDirectory] ?? "", /size=256m/);
    const wrote = await sandbox.exec(
      shell(`echo kept > ${volumeTestDirectory}/file && cat ${volumeTestDirectory}/file`),
    );
    assert.equal(wrote.stdout, "kept\n", `the volume directory was not usable: ${wrote.output}`);
    await sandbox.dispose();
  });
});
