// The sandbox cgroups' pure parts: where they may be made, and how a command joins them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { argvInCgroup, candidateParents, memoryCandidateParents } from "./pids-cgroup.ts";

const root = mkdtempSync(path.join(tmpdir(), "slipway-cgroup-"));
after(() => rmSync(root, { recursive: true, force: true }));

const selfV1 = "8:pids:/\n4:memory:/process_api/abc\n0::/\n";

test("v1 hierarchies are found from /proc/self/cgroup, each for its own controller", () => {
  assert.deepEqual(candidateParents(selfV1, root), [path.join(root, "pids", "/")]);
  assert.deepEqual(memoryCandidateParents(selfV1, root), [path.join(root, "memory", "/process_api/abc")]);
});

test("a command joins the pids and the memory cgroup before it runs", () => {
  const pids = path.join(root, "pids-group");
  const memory = path.join(root, "memory-group");
  for (const directory of [pids, memory]) {
    mkdirSync(directory);
    writeFileSync(path.join(directory, "cgroup.procs"), "");
  }
  const [command, ...args] = argvInCgroup({ directory: pids, memoryDirectory: memory }, [
    "/bin/sh",
    "-c",
    "echo $$",
  ]);
  const ran = execFileSync(command, args, { encoding: "utf8" }).trim();
  assert.equal(readFileSync(path.join(pids, "cgroup.procs"), "utf8").trim(), ran);
  assert.equal(readFileSync(path.join(memory, "cgroup.procs"), "utf8").trim(), ran);
});
