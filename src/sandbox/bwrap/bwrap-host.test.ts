// The bwrap backend's availability: each missing prerequisite is reported with how to fix it.
import assert from "node:assert/strict";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { tempDirectory } from "../sandbox.contract.ts";
import { spawnCapped } from "../spawn-capped.ts";
import { createBwrapBackend, createBwrapSandbox } from "./bwrap-sandbox.ts";
import { findOnPath } from "./toolchain-mounts.ts";

const realBwrap = findOnPath("bwrap", process.env.PATH ?? "");
const unshare = findOnPath("unshare", process.env.PATH ?? "");

/** A bwrap started in a user namespace whose limit of nested user namespaces is 0: real bwrap, no userns. */
async function bwrapWithoutUserNamespaces(directory: string): Promise<string | undefined> {
  if (!realBwrap || !unshare) return undefined;
  const wrapper = path.join(directory, "bwrap");
  const inner = `echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" "$@"`;
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ${unshare} --user --map-root-user sh -c '${inner}' ${realBwrap} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const check = await spawnCapped({
    argv: [wrapper, "--version"],
    cwd: "/",
    env: { PATH: "/usr/bin:/bin" },
    timeoutMs: 10_000,
    maxOutputBytes: 1024,
  });
  return check.exitCode === 0 ? wrapper : undefined;
}

describe("bwrap availability", () => {
  const scratch = tempDirectory("bwrap-host");
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("a missing bwrap is reported with how to install it and how to choose none", async () => {
    const backend = createBwrapBackend({ bwrapPath: path.join(scratch, "no-such-bwrap") });
    const availability = await backend.availability();
    assert.equal(availability.available, false);
    assert.match(availability.reason ?? "", /apt-get install bubblewrap/);
    assert.match(availability.reason ?? "", /--sandbox none/);
  });

  test("creating a sandbox without bwrap throws sandbox_unavailable with the same reason", async () => {
    await assert.rejects(
      createBwrapSandbox(
        { worktree: scratch, allowHosts: [], memoryMb: 1024, maxProcesses: 64 },
        { bwrapPath: path.join(scratch, "no-such-bwrap") },
      ),
      (error: unknown) => {
        assert.ok(error instanceof Error && "code" in error);
        assert.equal(error.code, "sandbox_unavailable");
        assert.match(error.message, /apt-get install bubblewrap/);
        return true;
      },
    );
  });

  test("user namespaces that cannot be created are reported as such", async (context) => {
    const wrapper = await bwrapWithoutUserNamespaces(scratch);
    if (!wrapper) {
      context.skip("needs bwrap and unshare, and a user namespace whose max_user_namespaces can be set to 0");
      return;
    }
    const availability = await createBwrapBackend({ bwrapPath: wrapper }).availability();
    assert.equal(availability.available, false);
    assert.match(availability.reason ?? "", /user namespaces/);
    assert.match(availability.reason ?? "", /--sandbox none/);
  });
});
