// What a command needs to run the agent: the configured model and judge, and the sandbox. Shared
// by `slipway run` and `slipway pr watch` (whose follow-ups are runs like any other).
import type { LanguageModel } from "ai";
import { createJudgeModel } from "../models/judge-model.ts";
import { createLanguageModel } from "../models/provider-registry.ts";
import type { RunServices } from "../pipeline/run-context.ts";
import { chooseConfiguredSandbox } from "../sandbox/registry.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import type { AppContext } from "./app-context.ts";

export interface AgentServices {
  model: LanguageModel;
  modelName: string;
  judge: RunServices["judge"];
  sandboxBackend: SandboxBackend;
}

/** Build the model, the judge and the sandbox from the configuration; throws a clear error when one is missing. */
export async function prepareAgentServices(app: AppContext): Promise<AgentServices> {
  const model = createLanguageModel(app.config.model, app.config, app.env);
  const modelName = app.config.model!;
  return {
    model,
    modelName,
    judge: createJudgeModel(modelName, app.config, app.env),
    sandboxBackend: await chooseConfiguredSandbox(app.config.sandbox, app.dataDir),
  };
}
