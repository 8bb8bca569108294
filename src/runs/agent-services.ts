// What a command needs to run the agent: the configured model and judge, and the sandbox. Shared
// by `slipway run` and `slipway pr watch` (whose follow-ups are runs like any other).
import type { LanguageModel } from "ai";
import type { Run, RunEvent } from "../core/run.ts";
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
import type { Store } from "../store/store.ts";
import { type AppContext, type AppSettings, openAppStore, withExistingStore } from "./app-context.ts";

export interface AgentServices {
  model: LanguageModel;
  modelName: string;
  judge: RunServices["judge"];
  sandboxBackend: SandboxBackend;
  /** Stops what serves the model (the scripted server of `script:` and `replay:`); call when the run ends. */
  close(): Promise<void>;
}

/** Reads a recorded run and its trace, for `replay:RUN_ID`; undefined when there is none. */
export type RecordedRunLoader = (idOrPrefix: string) => Promise<{ run: Run; events: RunEvent[] } | undefined>;

/** The loader reading recorded runs from `store`. */
export function recordedRunsOf(store: Store): RecordedRunLoader {
  return async (idOrPrefix) => {
    const run = await store.getRun(idOrPrefix);
    return run ? { run, events: await store.listEvents(run.id) } : undefined;
  };
}

/** `script:FILE` and `replay:RUN_ID`: a scripted server plays the agent's model and the judge. */
async function prepareScriptedModel(
  app: AppSettings,
  reference: string,
  loadRun: RecordedRunLoader,
): Promise<ScriptedProvider> {
  const scripted = await startScriptedProvider(reference, { config: app.config, loadRun });
  // A replay is priced as the recorded model was, so its report shows the same cost.
  if (scripted.price) app.config.prices[scripted.modelName] = scripted.price;
  process.stderr.write(`note: ${scripted.notice}\n`);
  return scripted;
}

/**
 * Build the model, the judge and the sandbox from the configuration; throws a clear error when one
 * is missing. Writes nothing: `loadRun` reads the run a `replay:` model replays.
 */
export async function prepareAgentServices(
  app: AppSettings,
  loadRun: RecordedRunLoader,
): Promise<AgentServices> {
  if (scriptedModelKind(app.config.model) !== undefined) {
    const scripted = await prepareScriptedModel(app, app.config.model!, loadRun);
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

/**
 * Build the agent's services (a `replay:` model reads its recorded run from the store, when one
 * exists, without creating it), then open the store and run `work`; both are closed after it.
 * Everything a user can get wrong fails before the store is made.
 */
export async function withRunServices<T>(
  settings: AppSettings,
  work: (agent: AgentServices, app: AppContext) => Promise<T>,
): Promise<T> {
  const agent = await prepareAgentServices(settings, (idOrPrefix) =>
    withExistingStore(
      settings,
      (app) => recordedRunsOf(app.store)(idOrPrefix),
      () => undefined,
    ),
  );
  try {
    const app = await openAppStore(settings);
    try {
      return await work(agent, app);
    } finally {
      await app.store.close();
    }
  } finally {
    await agent.close();
  }
}
