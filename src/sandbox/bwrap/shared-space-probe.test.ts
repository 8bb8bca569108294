// Doctor's probe of the shared process space: it works with room for node, and says why not when
// memoryMb leaves node no room to start the command server.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bwrapSandboxBackend } from "./bwrap-sandbox.ts";
import { probeSharedProcessSpace } from "./shared-space-probe.ts";

const availability = await bwrapSandboxBackend.availability();
const skip = availability.available ? false : `bwrap is unavailable here: ${availability.reason}`;
if (skip) console.log(`# skipping the shared space probe: ${skip}`);

describe("shared process space probe", () => {
  test("works with the default limits", { skip }, async () => {
    assert.deepEqual(await probeSharedProcessSpace({ memoryMb: 4096, maxProcesses: 512 }, {}), {
      works: true,
    });
  });

  test("says why when memoryMb is too small for node to start the command server", { skip }, async () => {
    const probe = await probeSharedProcessSpace({ memoryMb: 256, maxProcesses: 512 }, {});
    assert.equal(probe.works, false);
    assert.match(probe.problem ?? "", /command server could not start: .*out of memory/);
    assert.doesNotMatch(probe.problem ?? "", /\n/, "one line, not node's stack trace");
  });
});
