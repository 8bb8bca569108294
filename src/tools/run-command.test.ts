// run_command: allowlisted programs run in the sandbox without a shell; everything else is refused.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { bwrapSandboxBackend } from "../sandbox/bwrap/bwrap-sandbox.ts";
import { runCommandTool } from "./run-command.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";

describe("run_command", () => {
  let fixture: ToolFixture;
  before(async () => {
    fixture = await createToolFixture({ commandAllowlist: ["node", "npm test"], commandTimeoutMs: 10_000 });
    await fixture.write("hello.js", "console.log('hello from ' + process.cwd().split('/').pop());\n");
  });
  after(() => fixture.dispose());

  test("runs an allowlisted program and reports its exit code and output", async () => {
    const result = await fixture.call(runCommandTool, { command: 'node -e "console.log(1+1)"' });
    assert.deepEqual(result, { text: "$ node -e 'console.log(1+1)'\nexit code 0\n2", isError: false });
  });

  test("runs in the worktree root", async () => {
    const result = await fixture.call(runCommandTool, { command: "node hello.js" });
    assert.equal(result.text, "$ node hello.js\nexit code 0\nhello from worktree");
  });

  test("reports a non-zero exit code with the output, as information rather than a tool error", async () => {
    const result = await fixture.call(runCommandTool, {
      command: "node -e 'console.error(\"boom\"); process.exit(3)'",
    });
    assert.equal(result.isError, false);
    assert.match(result.text, /\nexit code 3\nboom$/);
  });

  test("reports a timeout as an error", async () => {
    const slow = await createToolFixture({ commandAllowlist: ["node"], commandTimeoutMs: 300 });
    try {
      const result = await slow.call(runCommandTool, { command: "node -e 'setInterval(() => {}, 1000)'" });
      assert.equal(result.isError, true);
      assert.match(result.text, /\ntimed out after 300 ms; the process was killed\n/);
    } finally {
      await slow.dispose();
    }
  });

  test("refuses a program not on the allowlist, listing the allowlist", async () => {
    const result = await fixture.call(runCommandTool, { command: "rm -rf /" });
    assert.deepEqual(result, {
      text: 'refused: "rm -rf /" is not allowed; allowed commands start with: node, npm test',
      isError: true,
    });
  });

  test("refuses npm with other arguments when only `npm test` is allowed", async () => {
    const result = await fixture.call(runCommandTool, { command: "npm install evil-package" });
    assert.equal(result.isError, true);
    assert.match(result.text, /^refused: "npm install evil-package" is not allowed/);
  });

  test("refuses shell operators even after an allowlisted program, and runs nothing", async () => {
    const result = await fixture.call(runCommandTool, { command: "node hello.js > planted.txt" });
    assert.equal(result.isError, true);
    assert.match(result.text, /^refused: ">" needs a shell; commands run without a shell/);
    await assert.rejects(fixture.read("planted.txt"), { code: "ENOENT" });
  });
});

/** A tool fixture whose sandbox is a bwrap one (the agent's commands enter its run space). */
async function withBwrapFixture(use: (fixture: ToolFixture) => Promise<void>): Promise<void> {
  const fixture = await createToolFixture({ commandAllowlist: ["node", "cat"], commandTimeoutMs: 30_000 });
  const sandbox = await bwrapSandboxBackend.create({
    worktree: fixture.worktree,
    allowHosts: [],
    memoryMb: 2048,
    maxProcesses: 128,
  });
  try {
    fixture.context.sandbox = sandbox;
    await use(fixture);
  } finally {
    await sandbox.dispose();
    await fixture.dispose();
  }
}

describe("run_command in a bwrap sandbox", async () => {
  const availability = await bwrapSandboxBackend.availability();
  const skip = availability.available ? false : `bwrap is unavailable here: ${availability.reason}`;
  if (skip) console.log(`# skipping run_command in bwrap: ${skip}`);

  test("the agent's commands share the run's process space: a file in its private /tmp lasts", {
    skip,
  }, async () => {
    await withBwrapFixture(async (fixture) => {
      await fixture.call(runCommandTool, {
        command: `node -e "require('fs').writeFileSync('/tmp/n', 'kept')"`,
      });
      const result = await fixture.call(runCommandTool, { command: "cat /tmp/n" });
      assert.equal(result.text, "$ cat /tmp/n\nexit code 0\nkept");
    });
  });

  test("a program printing absolute paths in the worktree is shown them repository-relative", {
    skip,
  }, async () => {
    await withBwrapFixture(async (fixture) => {
      // Inside, the worktree is at its own host path: node prints that path.
      const result = await fixture.call(runCommandTool, {
        command: `node -e "console.error(require('path').resolve('src/a.js') + ':3:7 boom in ' + process.cwd())"`,
      });
      assert.match(result.text, /\nexit code 0\nsrc\/a\.js:3:7 boom in \.$/);
    });
  });
});
