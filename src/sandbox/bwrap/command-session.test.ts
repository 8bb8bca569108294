// The platform's half of the shared process space against command servers that misbehave: real
// node processes speaking the protocol badly, so every way the host can be lied to is exercised.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CommandSession, type SessionCommand } from "./command-session.ts";

/** A session whose "server" is `program`, a node script run on the host. */
function launch(program: string, startTimeoutMs = 10_000) {
  return { argv: [process.execPath, "-e", program] as [string, ...string[]], env: {}, startTimeoutMs };
}

const echoCommand: SessionCommand = {
  command: "echo",
  args: ["hi"],
  cwd: "/",
  env: {},
  timeoutMs: 10_000,
  maxOutputBytes: 1024,
};

/** A server that says it is ready, then answers every request with `answer(request)` (JSON lines). */
function serverAnswering(answer: string): string {
  return [
    'console.log(JSON.stringify({ ev: "ready" }));',
    'require("node:readline").createInterface({ input: process.stdin }).on("line", (line) => {',
    "  const request = JSON.parse(line);",
    `  ${answer}`,
    "});",
  ].join("\n");
}

describe("command session", () => {
  test("turns a server's events into the command's result", async () => {
    const session = await CommandSession.start(
      launch(
        serverAnswering(
          'if (request.op !== "run") return; const id = request.id; const out = (stream, text) => console.log(JSON.stringify({ ev: "out", id, stream, data: Buffer.from(text).toString("base64") })); out("out", request.args.join(" ") + "\\n"); out("err", "warned\\n"); console.log(JSON.stringify({ ev: "exit", id, code: 4, signal: null }));',
        ),
      ),
    );
    try {
      const result = await session.run(echoCommand);
      assert.equal(result.exitCode, 4);
      assert.equal(result.stdout, "hi\n");
      assert.equal(result.stderr, "warned\n");
      assert.equal(session.alive, true);
    } finally {
      await session.close();
    }
  });

  test("caps output the server sends beyond the command's limit", async () => {
    const session = await CommandSession.start(
      launch(
        serverAnswering(
          'const id = request.id; console.log(JSON.stringify({ ev: "out", id, stream: "out", data: Buffer.alloc(5000, 97).toString("base64") })); console.log(JSON.stringify({ ev: "exit", id, code: 0, signal: null }));',
        ),
      ),
    );
    try {
      const result = await session.run({ ...echoCommand, maxOutputBytes: 100 });
      assert.equal(result.stdout.length, 100);
      assert.equal(result.truncated, true);
    } finally {
      await session.close();
    }
  });

  test("a line that is not an event ends the session and fails the command", async () => {
    const session = await CommandSession.start(launch(serverAnswering('console.log("I am not JSON");')));
    const result = await session.run(echoCommand);
    assert.equal(result.exitCode, null);
    assert.match(result.output, /slipway: the command server sent an invalid event/);
    assert.equal(session.alive, false);
    await assert.rejects(session.run(echoCommand), /the sandbox has ended/);
    await session.close();
  });

  test("an endless line is refused before it can fill the platform's memory", async () => {
    const session = await CommandSession.start(
      launch(serverAnswering('process.stdout.write("x".repeat(3 * 1024 * 1024));')),
    );
    const result = await session.run(echoCommand);
    assert.equal(result.exitCode, null);
    assert.match(result.output, /exceeded 1048576 bytes/);
    await session.close();
  });

  test("a server that never says it is ready fails to start, naming what it printed", async () => {
    await assert.rejects(
      CommandSession.start(
        launch('console.error("bwrap: something broke"); setInterval(() => {}, 1000);', 500),
      ),
      /could not start: the command server did not start within 500 ms: bwrap: something broke/,
    );
  });

  test("a server that exits at once fails to start", async () => {
    await assert.rejects(
      CommandSession.start(launch("process.exit(3)")),
      /could not start: the sandbox ended \(exit 3\)/,
    );
  });

  test("a server that ignores a time limit is ended with everything in it", async () => {
    const session = await CommandSession.start(launch(serverAnswering("/* never answers */")));
    const result = await session.run({ ...echoCommand, timeoutMs: 100 });
    assert.equal(result.timedOut, true);
    assert.match(result.output, /could not be stopped in time/);
    assert.equal(session.alive, false);
    await session.close();
  });

  test("an exit for a command it was never asked to run is ignored", async () => {
    const session = await CommandSession.start(
      launch(
        serverAnswering(
          'console.log(JSON.stringify({ ev: "exit", id: "someone-else", code: 0, signal: null })); console.log(JSON.stringify({ ev: "exit", id: request.id, code: 9, signal: null }));',
        ),
      ),
    );
    try {
      assert.equal((await session.run(echoCommand)).exitCode, 9);
    } finally {
      await session.close();
    }
  });
});
