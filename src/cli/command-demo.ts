// `slipway demo`: the full pipeline on the bundled example project, with the bundled scripted
// model, so a new user sees a complete run with no account and no network.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { SandboxError } from "../core/errors.ts";
import { demoScript } from "../demo/demo-script.ts";
import { demoTaskFile, prepareDemoRepository } from "../demo/prepare-demo-repo.ts";
import { providerFactories } from "../models/provider-registry.ts";
import { startScriptedModelServer } from "../models/scripted-server/scripted-model-server.ts";
import { readPublishedPullRequest } from "../pipeline/publish-steps.ts";
import { noneSandboxBackend } from "../sandbox/none/none-sandbox.ts";
import { chooseConfiguredSandbox } from "../sandbox/registry.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import type { AppContext } from "./app-context.ts";
import { type GlobalOptions, openApp } from "./app-context.ts";
import { executeRun } from "./execute-run.ts";

const demoModelName = "anthropic:scripted-demo";

async function demoSandbox(app: AppContext): Promise<SandboxBackend> {
  try {
    return await chooseConfiguredSandbox(app.config.sandbox, app.dataDir);
  } catch (error) {
    // The demo runs only our own example code: without an isolating sandbox it still shows the flow.
    if (
      !SandboxError.isInstance(error) ||
      app.config.sandbox.backend !== "auto" ||
      app.config.sandbox.isolationRequired
    ) {
      throw error;
    }
    process.stderr.write(`note: ${error.message}\nnote: the demo continues with sandbox 'none'\n`);
    return noneSandboxBackend;
  }
}

export function registerDemoCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("demo")
    .description(
      "run the whole pipeline on a bundled example project with a SCRIPTED model (no account needed)",
    )
    .option("--json", "print the report as JSON", false)
    .action(async (flags: { json: boolean }) => {
      const app = await openApp(global());
      const server = await startScriptedModelServer({ script: demoScript });
      try {
        const repo = await prepareDemoRepository(path.join(app.dataDir, "demo"));
        process.stderr.write(
          "slipway demo — the model is SCRIPTED: a local server replays a fixed session over the real Anthropic API protocol.\n" +
            `example repository: ${repo}\n`,
        );
        // The demo's change goes to its own example repository, as a review request of the local forge.
        app.config.forge = { ...app.config.forge, type: "local", remote: undefined };
        // Priced like a mid-size hosted model so the report shows what such a run would cost.
        app.config.prices[demoModelName] = { inputPerMillion: 3, outputPerMillion: 15 };
        const model = providerFactories.get("anthropic")!.create("scripted-demo", {
          baseUrl: server.anthropicBaseUrl,
          apiKey: "scripted-demo-key",
        });
        const { run, exitCode } = await executeRun({
          app,
          request: { repo, taskText: readFileSync(demoTaskFile, "utf8"), baseRef: "HEAD" },
          model,
          modelName: demoModelName,
          // The same scripted server plays the judge: its last turn is the verdict.
          judge: app.config.judge.enabled
            ? { model, modelName: demoModelName, price: app.config.prices[demoModelName] }
            : undefined,
          sandboxBackend: await demoSandbox(app),
          json: flags.json,
        });
        const pullRequest = readPublishedPullRequest(run.state);
        if (!flags.json && run.commit)
          process.stderr.write(`\nsee the change: git -C ${repo} show ${run.branch}\n`);
        if (!flags.json && pullRequest)
          process.stderr.write(
            `see the review request: slipway${global().dataDir ? ` --data-dir ${global().dataDir}` : ""} pr show ${pullRequest.number}\n`,
          );
        process.exitCode = exitCode;
      } finally {
        await server.close();
        await app.store.close();
      }
    });
}
