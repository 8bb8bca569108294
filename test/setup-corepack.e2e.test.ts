// End to end: a repository whose package.json pins pnpm (`packageManager`, with its hash) on a
// machine with no pnpm. The setup stage has corepack install exactly that version from
// registry.npmjs.org through the egress proxy; the gate, with no network, then runs `pnpm test`
// (which runs `pnpm run` again inside) with the pinned pnpm, offline; the agent's own `pnpm run`
// finds it first on its PATH.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git, makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "./helpers/scripted-run.ts";
import { registryReach } from "./helpers/setup-project.ts";

const registry = await registryReach();
const skip = registry.skip ?? false;
if (skip) console.log(`# skipping the pinned pnpm from registry.npmjs.org: ${skip}`);

// pnpm 9.1.0's tarball on registry.npmjs.org, as `corepack use pnpm@9.1.0` writes it.
const pin =
  "pnpm@9.1.0+sha512.67f5879916a9293e5cf059c23853d571beaf4f753c707f40cb22bed5fb1578c6aad3b6c4107ccb3ba0b35be003eb621a16471ac836c87beb53f9d54bb4612724";

// Fails unless the script was started by pnpm 9.1.0 (pnpm names itself in npm_config_user_agent).
const checkVersion = `const agent = process.env.npm_config_user_agent ?? "";
if (!agent.startsWith("pnpm/9.1.0 ")) { console.error("error: not the pinned pnpm: " + agent); process.exit(1); }
console.log("pinned " + agent.split(" ")[0]);
`;

function pinnedProject(): string {
  const manifest = {
    name: "pinned-pnpm",
    private: true,
    type: "module",
    packageManager: pin,
    // The nested `pnpm run` must find the pinned pnpm on PATH too.
    scripts: { "check-version": "node check-version.mjs", test: "pnpm run check-version && node --test" },
  };
  return makeRepo({
    "package.json": JSON.stringify(manifest, null, 2),
    ".gitignore": "node_modules/\n",
    "check-version.mjs": checkVersion,
    "src/add.js": "export function add(a, b) {\n  return a - b;\n}\n",
    "test/add.test.js":
      'import assert from "node:assert/strict";\nimport { test } from "node:test";\nimport { add } from "../src/add.js";\n\ntest("adds", () => {\n  assert.equal(add(2, 3), 5);\n});\n',
  });
}

const script: ModelScript = {
  turns: [
    {
      toolCalls: [
        {
          name: "edit_file",
          input: { path: "src/add.js", oldText: "return a - b;", newText: "return a + b;" },
        },
      ],
    },
    // The agent's own command: setup's launcher is first on its PATH, so pnpm is the pinned one.
    { toolCalls: [{ name: "run_command", input: { command: "pnpm run check-version" } }] },
    { toolCalls: [{ name: "finish", input: { summary: "add() adds." } }] },
  ],
};

interface TraceEvent {
  type: string;
  data: Record<string, unknown>;
}

describe("a packageManager pin (corepack)", { skip }, () => {
  let setup: ScriptedRunSetup | undefined;
  after(() => setup?.server.close());

  test("setup provides the pinned pnpm, and the gate runs pnpm test with it offline", async () => {
    setup = await setUpScriptedRun(script, "anthropic", {
      sandbox: { egressAllowAddresses: registry.allowAddresses },
    });
    const repo = pinnedProject();
    const result = await runCli(
      [...baseArgs(setup), "run", "--repo", repo, "--task", "add() adds", "--json"],
      { env: setup.env, timeoutMs: 300_000 },
    );
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const report = JSON.parse(result.stdout) as { runId: string; outcome: string; branch: string };
    assert.equal(report.outcome, "success");
    const shown = await runCli([...baseArgs(setup), "show", report.runId, "--json"], { env: setup.env });
    const events = (JSON.parse(shown.stdout) as { events: TraceEvent[] }).events;
    const setupEnd = events.find((event) => event.type === "setup-end")!;
    assert.deepEqual(
      (setupEnd.data.results as { name: string; exitCode: number }[]).map((entry) => [
        entry.name,
        entry.exitCode,
      ]),
      [
        ["corepack install (pnpm@9.1.0)", 0],
        ["write node_modules/.slipway-corepack/bin/pnpm", 0],
      ],
    );
    const reached = new Set(
      events
        .filter((event) => event.type === "setup-egress")
        .map((event) => `${event.data.verdict} ${event.data.host}`),
    );
    assert.deepEqual([...reached], ["allowed registry.npmjs.org"]);
    // The gate (no network) ran the test script with the launcher, and the script saw pnpm 9.1.0.
    const full = events.find((event) => event.type === "verify-end" && event.data.speed === "full")!;
    assert.equal(full.data.passed, true, JSON.stringify(full.data));
    const verifyStart = events.find((event) => event.type === "verify-start")!;
    assert.deepEqual(verifyStart.data.restoredFromSetup, ["node_modules"]);
    assert.ok(
      (verifyStart.data.notes as string[]).some((note) => note.includes("pinned pnpm")),
      JSON.stringify(verifyStart.data.notes),
    );
    const agentCommand = events.find(
      (event) => event.type === "tool-result" && event.data.name === "run_command",
    )!;
    assert.match(String(agentCommand.data.text), /exit code 0\n[\s\S]*pinned pnpm\/9\.1\.0/);
    // Nothing of the pinned pnpm is committed: it lives in the ignored node_modules.
    assert.deepEqual(git(repo, "diff", "--name-only", "main", report.branch).split("\n"), ["src/add.js"]);
  });
});
