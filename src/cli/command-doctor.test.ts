// The doctor's docker line says who the agent runs as, which decides the docker walls.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dockerLine } from "./command-doctor.ts";

const limits = { maxProcesses: 64, memoryMb: 2048, maxFileMb: 512 };
const docker = (works: boolean) => [{ name: "docker", isolates: true, works }];

test("as root, docker runs the agent as an unused uid; without root, as the user's own", () => {
  assert.match(
    dockerLine({ backends: docker(true), platformIsRoot: true }, limits) ?? "",
    /^docker {5}the agent runs as an unused uid .*pids 64, memory 2048 MiB, files 512 MiB, container log off$/,
  );
  assert.match(
    dockerLine({ backends: docker(true), platformIsRoot: false }, limits) ?? "",
    /runs as your own uid \(Slipway is not root: no separate uid, no per-uid process cap\)/,
  );
});

test("no docker line when the docker backend does not work here", () => {
  assert.equal(dockerLine({ backends: docker(false), platformIsRoot: true }, limits), undefined);
});
