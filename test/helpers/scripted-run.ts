// Sets up one CLI run against the scripted model server: data dir, config with a known price,
// and the environment that points the real provider client at the server.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { ModelScript } from "../../src/models/scripted-server/script.ts";
import {
  type ScriptedModelServer,
  startScriptedModelServer,
} from "../../src/models/scripted-server/scripted-model-server.ts";
import { noneSandboxBackend } from "../../src/sandbox/none/none-sandbox.ts";
import { sandboxBackends } from "../../src/sandbox/registry.ts";
import { cliEnv } from "./cli.ts";
import { tempDir } from "./git-fixture.ts";

export type Protocol = "anthropic" | "openai" | "openai-compatible";

export interface ScriptedRunSetup {
  server: ScriptedModelServer;
  dataDir: string;
  configFile: string;
  env: Record<string, string>;
  sandbox: string;
}

export const testPrice = { inputPerMillion: 3, outputPerMillion: 15 };

let sandboxChoice: Promise<string> | undefined;

/** bwrap when this machine can run it, else none (said once, so a skipped wall is visible). */
export function testSandbox(): Promise<string> {
  sandboxChoice ??= (async () => {
    const bwrap = sandboxBackends.get("bwrap");
    const availability = bwrap
      ? await bwrap.availability()
      : { available: false, reason: "no bwrap backend" };
    if (availability.available) return "bwrap";
    console.log(`# end-to-end runs use sandbox 'none': ${availability.reason ?? "bwrap unavailable"}`);
    return noneSandboxBackend.name;
  })();
  return sandboxChoice;
}

/** Points the provider's real client at the scripted server (a local server needs no key). */
function providerEnvironment(protocol: Protocol, server: ScriptedModelServer): Record<string, string> {
  switch (protocol) {
    case "anthropic":
      return { ANTHROPIC_BASE_URL: server.anthropicBaseUrl, ANTHROPIC_API_KEY: "test-key" };
    case "openai":
      return { OPENAI_BASE_URL: server.openaiBaseUrl, OPENAI_API_KEY: "test-key" };
    case "openai-compatible":
      return { SLIPWAY_OPENAI_COMPATIBLE_BASE_URL: server.openaiBaseUrl };
  }
}

export async function setUpScriptedRun(
  script: ModelScript,
  protocol: Protocol,
  configExtra: Record<string, unknown> = {},
): Promise<ScriptedRunSetup> {
  const server = await startScriptedModelServer({ script });
  const dataDir = tempDir("data");
  const configFile = path.join(dataDir, "slipway.yaml");
  const model = `${protocol}:test-model`;
  // The judge is off unless a test asks for it: its turns are then part of the test's script.
  const config = { prices: { [model]: testPrice }, judge: { enabled: false }, ...configExtra };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const sandbox = await testSandbox();
  const env = cliEnv({
    SLIPWAY_MODEL: model,
    SLIPWAY_SANDBOX: sandbox,
    ...providerEnvironment(protocol, server),
  });
  return { server, dataDir, configFile, env, sandbox };
}

/** The leading CLI arguments that point at the setup's data dir and config. */
export function baseArgs(setup: ScriptedRunSetup): string[] {
  return ["--data-dir", setup.dataDir, "--config", setup.configFile];
}
