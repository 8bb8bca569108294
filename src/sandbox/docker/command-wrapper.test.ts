// The root wrapper's argv and the platform's PATH: pure functions, tested without an engine.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SandboxError } from "../../core/errors.ts";
import { platformPath, wrappedArgv } from "./command-wrapper.ts";

const command = {
  commandId: "abc",
  identity: { uid: 2_000_000_001, gid: 2_000_000_001 },
  workingDir: "/srv/worktrees/run-1/src",
  env: { HOME: "/home/sandbox", PATH: "/usr/bin" },
  command: "npm",
  args: ["test", "--", "x=1"],
  timeoutMs: 2_000,
};

describe("docker command wrapper", () => {
  test("passes the record, the watchdog's seconds, the agent's uid, cwd, environment and command in order", () => {
    const argv = wrappedArgv(command);
    assert.deepEqual(argv.slice(3), [
      "slipway-exec",
      "/run/slipway/abc",
      "3.000",
      "2000000001",
      "2000000001",
      "/srv/worktrees/run-1/src",
      "HOME=/home/sandbox",
      "PATH=/usr/bin",
      "--",
      "npm",
      "test",
      "--",
      "x=1",
    ]);
  });

  test("refuses an environment name the shell could not export", () => {
    assert.throws(() => wrappedArgv({ ...command, env: { "BAD-NAME": "1" } }), SandboxError);
  });

  test("the platform's PATH keeps only entries outside what the agent can write", () => {
    const inside =
      "/srv/worktrees/run-1/node_modules/.bin:/tmp/bin:/home/sandbox/.local/bin:/usr/bin:relative:/opt/x/../tmp:/bin";
    assert.equal(platformPath(inside, ["/srv/worktrees/run-1", "/tmp", "/home/sandbox"]), "/usr/bin:/bin");
  });
});
