// The docker backend in its default mode: the image brings its own toolchain and PATH and nothing of
// the host is mounted but the worktree. A self-contained test image stands in for e.g. node:24.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { rmSync } from "node:fs";
import { after, describe, test } from "node:test";
import { SandboxError } from "../../core/errors.ts";
import { contractOptions, describeSandboxContract, shell, tempDirectory } from "../sandbox.contract.ts";
import { connectEngine } from "./docker-engine.ts";
import { dockerSandboxBackend } from "./docker-sandbox.ts";
import { removeLeftoverContainers } from "./leftover-containers.ts";
import {
  dockerTestSkipReason,
  ensureSelfContainedTestImage,
  selfContainedBin,
  selfContainedTestImage,
  testImage,
} from "./test-image.ts";
import { isSandboxIdentity } from "./worktree-owner.ts";

// Built before any suite is declared: the contract suite asks for availability while it is collected.
let skipReason = await dockerTestSkipReason();
if (!skipReason) {
  skipReason = await ensureSelfContainedTestImage().then(
    () => undefined,
    (error: Error) =>
      `the self-contained test image could not be built here (it needs ldd): ${error.message}`,
  );
}
const skip = skipReason ?? false;
if (skip) console.log(`# skipping the docker image-mode tests: ${skip}`);

const testLabels = { "slipway.test": `docker-image-${process.pid}-${randomInt(1e9)}` };
const backend = dockerSandboxBackend({ image: selfContainedTestImage, labels: testLabels });

describeSandboxContract(backend);

describe("docker sandbox with the image's own toolchain", () => {
  after(async () => {
    if (!skip) await removeLeftoverContainers({ maxAgeMs: 0, labels: testLabels });
  });

  test("runs the image's programs on the image's PATH, with no host directory mounted", {
    skip,
  }, async () => {
    const worktree = tempDirectory("docker-image");
    const sandbox = await backend.create(contractOptions(worktree));
    try {
      const result = await sandbox.exec(shell('echo "$PATH"; id -u; ls /usr/bin; ls -d /opt/node24 2>&1'));
      assert.equal(result.exitCode, 2);
      const [path, uid, ...rest] = result.stdout.split("\n");
      assert.equal(path, `${selfContainedBin}:/usr/bin:/bin`);
      assert.ok(isSandboxIdentity({ uid: Number(uid), gid: 0 }), `uid ${uid} is a sandbox uid`);
      assert.match(rest.join("\n"), /^ls: cannot access '\/opt\/node24': No such file or directory\n$/);
    } finally {
      await sandbox.dispose();
      rmSync(worktree, { recursive: true, force: true });
    }
  });

  test("an image without a shell is refused with a clear error, and its container is removed", {
    skip,
  }, async () => {
    const bare = dockerSandboxBackend({ image: testImage, labels: testLabels });
    const worktree = tempDirectory("docker-bare");
    try {
      await assert.rejects(bare.create(contractOptions(worktree)), (error) => {
        assert.ok(error instanceof SandboxError);
        assert.match(
          error.message,
          new RegExp(`"${testImage}" cannot run .* needs \`sh\`, \`sleep\`, \`setsid\` and \`setpriv\``),
        );
        return true;
      });
      assert.deepEqual(await labelledContainers(), []);
    } finally {
      rmSync(worktree, { recursive: true, force: true });
    }
  });
});

describe("docker backend availability and missing images", () => {
  test("a missing image is a SandboxError naming it, before any container is created", { skip }, async () => {
    const image = `slipway-missing-${randomInt(1e9)}:0`;
    const missing = dockerSandboxBackend({ image, labels: testLabels });
    const worktree = tempDirectory("docker-missing");
    try {
      await assert.rejects(missing.create(contractOptions(worktree)), (error) => {
        assert.ok(error instanceof SandboxError);
        assert.equal(error.code, "sandbox_unavailable");
        assert.match(error.message, new RegExp(`"${image}" is not present locally.*docker pull`));
        return true;
      });
      assert.deepEqual(await labelledContainers(), []);
      const availability = await missing.availability();
      assert.equal(availability.available, false);
      assert.match(availability.reason ?? "", /never pulls/);
    } finally {
      rmSync(worktree, { recursive: true, force: true });
    }
  });

  test("without an engine, availability says how to install and start one or choose another sandbox", async () => {
    const absent = dockerSandboxBackend({ image: testImage, socketPath: "/nonexistent/slipway/docker.sock" });
    const availability = await absent.availability();
    assert.equal(availability.available, false);
    assert.match(
      availability.reason ?? "",
      /apt-get install docker\.io.*dockerd.*--sandbox bwrap.*--sandbox none/,
    );
  });
});

/** Containers carrying this file's test label. */
async function labelledContainers(): Promise<string[]> {
  const filters = { label: Object.entries(testLabels).map(([name, value]) => `${name}=${value}`) };
  const listed = await connectEngine().listContainers({ all: true, filters });
  return listed.map((container) => container.Id);
}
