import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { processAlive } from "./process-alive.ts";

test("a running process is alive, and not once it has exited", async () => {
  assert.equal(processAlive(process.pid), true);
  const child = spawn(process.execPath, ["-e", "0"]);
  await once(child, "exit");
  assert.equal(processAlive(child.pid!), false);
});

test("pid 1 is alive even when it belongs to another user", () => {
  assert.equal(processAlive(1), true);
});
