// What a command needs to run the agent: the configured model and judge, and the sandbox. Shared
// by `slipway run` and `slipway pr watch` (whose follow-ups are runs like any other).
import type { LanguageModel } from "ai";
import { createJudgeModel } from "../models/judge-model.ts";
import { createLanguageModel } from "../models/provider-registry.ts";
import {
  type ScriptedProvider,
  scriptedModelKind,
  startScriptedProvider,
} from "../models/scripted-provider.ts";
import type { RunServices } from "../pipeline/run-context.ts";
import { chooseConfiguredSandbox } from "../sandbox/registry.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import type { AppContext } from "./app-context.ts";

export interface AgentServices {
  model: LanguageModel;
  modelName: string;
  judge: RunServices["judge"];
  sandboxBackend: SandboxBackend;
  /** Stops what serves the model (the scripted server of `script:` and `replay:`); call when the run ends. */
  close(): Promise<void>;
}

/** `script:FILE` and `replay:RUN_ID`: a scripted server plays the agent's model and the judge. */
async function prepareScriptedModel(app: AppContext, reference: string): Promise<ScriptedProvider> {
  const scripted = await startScriptedProvider(reference, {
    config: app.config,
    loadRun: async (idOrPrefix) => {
      const run = await app.store.getRun(idOrPrefix);
      return run ? { run, events: await app.store.listEvents(run.id) } : undefined;
    },
  });
  // A replay is priced as the recorded model was, so its report shows the same cost.
  if (scripted.price) app.config.prices[scripted.modelName] = scripted.price;
  process.stderr.write(`note: ${scripted.notice}\n`);
  return scripted;
}

/** Build the model, the judge and the sandbox from the configuration; throws a clear error when one is missing. */
export async function prepareAgentServices(app: AppContext): Promise<AgentServices> {
  if (scriptedModelKind(app.config.model) !== undefined) {
    const scripted = await prepareScriptedModel(app, app.config.model!);
    try {
      const sandboxBackend = await chooseConfiguredSandbox(app.config.sandbox, app.dataDir);
      const { model, modelName, judge, close } = scripted;
      return { model, modelName, judge, sandboxBackend, close };
    } catch (error) {
      await scripted.close();
      throw error;
    }
  }
  const model = createLanguageModel(app.config.model, app.config, app.env);
  const modelName = app.config.model!;
  return {
    model,
    modelName,
    judge: createJudgeModel(modelName, app.config, app.env),
    sandboxBackend: await chooseConfiguredSandbox(app.config.sandbox, app.dataDir),
    close: async () => {},
  };
}
