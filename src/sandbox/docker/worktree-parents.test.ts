// The way to the worktree in a docker sandbox: which top directory is covered, what the covering
// holds, and, against a real engine, that a worktree under an image's 0700 /root is reachable by
// absolute path while the image's /root and the host's other files there stay out of sight.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { contractOptions, shell } from "../sandbox.contract.ts";
import { dockerSandboxBackend } from "./docker-sandbox.ts";
import { removeLeftoverContainers } from "./leftover-containers.ts";
import { dockerTestSkipReason, ensurePrivateRootTestImage } from "./test-image.ts";
import { coveredTop, prepareWorktreeParents, removeWorktreeParents } from "./worktree-parents.ts";

describe("docker worktree parents", () => {
  test("covers the path's top directory, never a system one or /tmp", () => {
    assert.equal(coveredTop("/root/.slipway/worktrees/run-1"), "/root");
    assert.equal(coveredTop("/home/alice/.slipway/worktrees/run-1"), "/home");
    for (const worktree of ["/tmp/w", "/usr/src/w", "/var/lib/slipway/w", "/opt/w", "/srv"])
      assert.equal(coveredTop(worktree), undefined, worktree);
  });

  test("the covering holds only walkable empty directories down to the mount points below it", async () => {
    const parents = await prepareWorktreeParents("/home/alice/.slipway/worktrees/run-1", [
      "/home/sandbox",
      "/tmp",
      "/usr",
    ]);
    assert.ok(parents);
    try {
      assert.equal(parents.target, "/home");
      assert.deepEqual(readdirSync(parents.source).sort(), ["alice", "sandbox"]);
      const deepest = path.join(parents.source, "alice", ".slipway", "worktrees", "run-1");
      assert.deepEqual(readdirSync(deepest), []);
      for (const directory of [parents.source, deepest])
        assert.equal(statSync(directory).mode & 0o777, 0o755, directory);
    } finally {
      await removeWorktreeParents(parents);
    }
  });
});

const dockerSkip = await dockerTestSkipReason();
const underRoot = homedir() === "/root" && process.getuid?.() === 0;
const skip =
  dockerSkip ??
  (underRoot ? undefined : "the worktree must lie under /root, which only a run as root can make");
if (skip) console.log(`# skipping the docker worktree-parents check against an engine: ${skip}`);

describe("docker worktree parents against an engine", () => {
  test("a worktree under an image's 0700 /root is reached by absolute path; nothing else there shows", {
    skip: skip ?? false,
  }, async () => {
    const image = await ensurePrivateRootTestImage();
    const labels = { "slipway.test": `worktree-parents-${process.pid}` };
    const backend = dockerSandboxBackend({ image, hostToolchainMounts: true, labels });
    // As a data directory under root's home puts it: /root/<dir>/worktree, a host file beside it.
    const holder = mkdtempSync(path.join(homedir(), ".slipway-test-parents-"));
    const worktree = path.join(holder, "worktree");
    try {
      writeFileSync(path.join(holder, "beside.txt"), "host file beside the worktree\n");
      mkdirSync(worktree);
      writeFileSync(path.join(worktree, "f.txt"), "in the worktree\n");
      const sandbox = await backend.create(contractOptions(worktree));
      try {
        const inside = realpathSync(worktree);
        const result = await sandbox.exec(
          shell(`cat "${inside}/f.txt" && ls -A /root && ls -A "${path.dirname(inside)}"`),
        );
        assert.equal(result.exitCode, 0, result.output);
        assert.equal(result.stdout, `in the worktree\n${path.basename(holder)}\nworktree\n`);
      } finally {
        await sandbox.dispose();
      }
    } finally {
      rmSync(holder, { recursive: true, force: true });
      await removeLeftoverContainers({ maxAgeMs: 0, labels });
    }
  });
});
