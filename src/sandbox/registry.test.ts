// The sandbox registry: it lists every backend folder, and `chooseSandboxBackend` picks, refuses
// and explains as documented.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { SandboxError } from "../core/errors.ts";
import { createBwrapBackend } from "./bwrap/bwrap-sandbox.ts";
import { noneSandboxBackend } from "./none/none-sandbox.ts";
import { chooseSandboxBackend, sandboxBackends } from "./registry.ts";
import type { SandboxBackend } from "./sandbox.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

/** A backend of our own contract that is always available; it is never asked to create anything. */
function availableBackend(name: string, isolates: boolean): SandboxBackend {
  return {
    name,
    isolates,
    availability: async () => ({ available: true }),
    create: async () => assert.fail("not used"),
  };
}

const missingBwrap = createBwrapBackend({ bwrapPath: "/nonexistent/slipway-test/bwrap" });

function assertSandboxError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(SandboxError.isInstance(error), `not a SandboxError: ${String(error)}`);
    assert.equal(error.code, "sandbox_unavailable");
    assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  };
}

describe("sandbox registry", () => {
  test("lists exactly the backend folders beside it", () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter(
        (entry) => entry.isDirectory() && existsSync(path.join(here, entry.name, `${entry.name}-sandbox.ts`)),
      )
      .map((entry) => entry.name)
      .sort();
    assert.deepEqual([...sandboxBackends.keys()].sort(), folders);
  });

  test("auto picks the first available isolating backend, never none", async () => {
    const backends = new Map([
      ["none", noneSandboxBackend],
      ["isolating", availableBackend("isolating", true)],
    ]);
    const chosen = await chooseSandboxBackend("auto", { isolationRequired: false, backends });
    assert.equal(chosen.name, "isolating");
  });

  test("auto without an isolating backend says how to install bubblewrap and that --sandbox none runs unisolated", async () => {
    const backends = new Map([
      ["bwrap", missingBwrap],
      ["none", noneSandboxBackend],
    ]);
    await assert.rejects(
      chooseSandboxBackend("auto", { isolationRequired: false, backends }),
      assertSandboxError(/no isolating sandbox is available.*apt-get install bubblewrap.*--sandbox none/),
    );
  });

  test("none is refused by name when isolation is required, and given when it is not", async () => {
    await assert.rejects(
      chooseSandboxBackend("none", { isolationRequired: true }),
      assertSandboxError(/no isolation.*isolationRequired/),
    );
    const chosen = await chooseSandboxBackend("none", { isolationRequired: false });
    assert.equal(chosen, noneSandboxBackend);
  });

  test("an unknown name is refused with the list of known backends", async () => {
    await assert.rejects(
      chooseSandboxBackend("firecracker", { isolationRequired: false }),
      assertSandboxError(/unknown sandbox backend "firecracker".*auto, bwrap, docker, none/),
    );
  });

  test("a backend chosen by name but unavailable here is refused with its reason", async () => {
    const backends = new Map([["bwrap", missingBwrap]]);
    await assert.rejects(
      chooseSandboxBackend("bwrap", { isolationRequired: true, backends }),
      assertSandboxError(/apt-get install bubblewrap/),
    );
  });
});
