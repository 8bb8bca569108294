// The host half of a sandbox's egress: a private directory with the proxy's socket, the proxy
// variables, cleanup on close, and a clear error when the socket path would be too long.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { contractOptions, tempDirectory } from "../sandbox.contract.ts";
import { bridgedArgv, proxyEnvironment, proxySocketName } from "./sandbox-bridge.ts";
import { openSandboxEgress } from "./sandbox-egress.ts";

describe("sandbox egress on the host", () => {
  const scratch = tempDirectory("sandbox-egress");
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("listens in a private directory, hands out the proxy variables, and removes it all on close", async () => {
    const egress = await openSandboxEgress({
      ...contractOptions(scratch),
      allowHosts: ["registry.npmjs.org"],
    });
    const socketPath = path.join(egress.socketDirectory, proxySocketName);
    try {
      assert.equal(statSync(socketPath).isSocket(), true);
      assert.equal(statSync(path.dirname(egress.socketDirectory)).mode & 0o777, 0o700);
      assert.equal(egress.environment.HTTPS_PROXY, "http://127.0.0.1:3128");
      assert.equal(egress.environment.NODE_USE_ENV_PROXY, "1");
      assert.match(egress.environment.NO_PROXY ?? "", /localhost/);
    } finally {
      await egress.close();
    }
    assert.equal(existsSync(path.dirname(egress.socketDirectory)), false);
  });

  test("a temp directory too deep for a Unix socket path is refused with how to fix it", async () => {
    const deep = path.join(scratch, "d".repeat(100));
    mkdirSync(deep);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = deep;
    try {
      await assert.rejects(
        openSandboxEgress({ ...contractOptions(scratch), allowHosts: ["registry.npmjs.org"] }),
        /longer than 107 bytes; set TMPDIR to a shorter directory/,
      );
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  test("the bridged argv starts the bridge from a subshell, then execs the command unchanged", () => {
    const argv = bridgedArgv("/usr/bin/socat", ["npm", "install", "--no-audit"]);
    assert.deepEqual(argv.slice(0, 2), ["sh", "-c"]);
    assert.deepEqual(argv.slice(3), ["slipway-egress", "/usr/bin/socat", "npm", "install", "--no-audit"]);
    assert.match(argv[2] ?? "", /UNIX-CONNECT:\/run\/slipway-egress\/proxy\.sock/);
    assert.match(argv[2] ?? "", /exec "\$@"$/);
    assert.deepEqual(Object.keys(proxyEnvironment()).sort(), [
      "HTTPS_PROXY",
      "HTTP_PROXY",
      "NODE_USE_ENV_PROXY",
      "NO_PROXY",
      "http_proxy",
      "https_proxy",
      "no_proxy",
    ]);
  });
});
