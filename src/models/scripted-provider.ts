// `--model script:FILE` and `--model replay:RUN_ID`: a scripted model server on loopback inside the
// platform process and an Anthropic provider pointed at it, so the run goes through the same client
// library as a real one, with no account. The caller closes it when the run ends.
import type { LanguageModel } from "ai";
import type { Price, SlipwayConfig } from "../config/config-schema.ts";
import { InputError } from "../core/errors.ts";
import type { Run, RunEvent } from "../core/run.ts";
import { priceFor } from "./price-table.ts";
import { providerFactories } from "./provider-registry.ts";
import { replayScript, replayTurnsFromTrace } from "./replay-script.ts";
import { loadModelScript, type ModelScript } from "./scripted-server/script.ts";
import { startScriptedModelServer } from "./scripted-server/scripted-model-server.ts";

export type ScriptedModelKind = "script" | "replay";

/** A past run and its trace, as the store holds them. */
export interface RecordedRun {
  run: Run;
  events: RunEvent[];
}

export interface ScriptedProviderOptions {
  config: SlipwayConfig;
  /** Reads a past run by id or unique prefix (for `replay:`); undefined when there is none. */
  loadRun: (idOrPrefix: string) => Promise<RecordedRun | undefined>;
}

export interface ScriptedProvider {
  model: LanguageModel;
  /** `script:FILE` or `replay:<full run id>`: the run records it as its model. */
  modelName: string;
  /** Replay: the recorded model's price, so the replay costs what the run cost; undefined otherwise. */
  price: Price | undefined;
  /** The same server plays the judge (its turns follow the agent's); undefined when there is no judge. */
  judge: { model: LanguageModel; modelName: string; price: Price | undefined } | undefined;
  /** What the user should know about this model (printed before the run). */
  notice: string;
  /** Stop the server; safe to call twice. */
  close(): Promise<void>;
}

/** `script` or `replay` when `reference` names a scripted model, else undefined. */
export function scriptedModelKind(reference: string | undefined): ScriptedModelKind | undefined {
  if (reference?.startsWith("script:")) return "script";
  if (reference?.startsWith("replay:")) return "replay";
  return undefined;
}

interface ScriptPlan {
  script: ModelScript;
  modelName: string;
  judged: boolean;
  price: Price | undefined;
  judgePrice: Price | undefined;
  notice: string;
}

async function planScript(file: string, config: SlipwayConfig): Promise<ScriptPlan> {
  if (file === "") throw new InputError("--model script: needs a file: script:path/to/turns.yaml");
  const script = await loadModelScript(file);
  const judged = config.judge.enabled;
  const judgeNote = judged
    ? "the judge answers from the turns after the agent's finish (end the script with a verdict, or pass --no-judge)"
    : "the judge is off";
  return {
    script,
    modelName: `script:${file}`,
    judged,
    price: undefined,
    judgePrice: priceFor(`script:${file}`, config.prices),
    notice: `the model is SCRIPTED: ${script.turns.length} turns from ${file}; ${judgeNote}`,
  };
}

function recordedJudgeModel(events: readonly RunEvent[]): string | undefined {
  const start = events.find((event) => event.type === "run-start");
  const judge = start?.data.judge;
  return typeof judge === "string" ? judge : undefined;
}

async function planReplay(runId: string, options: ScriptedProviderOptions): Promise<ScriptPlan> {
  if (runId === "")
    throw new InputError("--model replay: needs a run id: replay:<run id> (see `slipway runs`)");
  const recorded = await options.loadRun(runId);
  if (!recorded) {
    throw new InputError(`no run ${runId} to replay: \`slipway runs\` lists the recorded runs`, {
      code: "not_found",
    });
  }
  const id = recorded.run.id;
  const turns = replayTurnsFromTrace(id, recorded.events);
  const agentTurns = turns.filter((entry) => entry.role === "agent").length;
  const judgeTurns = turns.length - agentTurns;
  const judged = options.config.judge.enabled && judgeTurns > 0;
  let judgeNote = `its ${judgeTurns} recorded judge answers are replayed too`;
  if (!options.config.judge.enabled) judgeNote = "the judge is off";
  else if (judgeTurns === 0) judgeNote = `run ${id} recorded no judge answer, so the judge is SKIPPED`;
  const judgeModel = recordedJudgeModel(recorded.events);
  return {
    script: replayScript(turns, judged),
    modelName: `replay:${id}`,
    judged,
    price: priceFor(recorded.run.model, options.config.prices),
    judgePrice: judgeModel ? priceFor(judgeModel, options.config.prices) : undefined,
    notice: `the model is REPLAYED: ${agentTurns} recorded answers of run ${id} (${recorded.run.model}); ${judgeNote}`,
  };
}

/**
 * Start the scripted model `reference` names. Throws (exit 2, nothing started) on a missing or
 * invalid script file or an unknown run; the server listens on 127.0.0.1 only.
 */
export async function startScriptedProvider(
  reference: string,
  options: ScriptedProviderOptions,
): Promise<ScriptedProvider> {
  const colon = reference.indexOf(":");
  const argument = reference.slice(colon + 1);
  const plan =
    scriptedModelKind(reference) === "replay"
      ? await planReplay(argument, options)
      : await planScript(argument, options.config);
  // Unreferenced: a command that never closes it (a crash, `pr watch`) still lets the process exit.
  const server = await startScriptedModelServer({ script: plan.script, unref: true });
  // The server needs no key; the client library insists on one, so it gets a placeholder.
  const model = providerFactories.get("anthropic")!.create(plan.modelName, {
    baseUrl: server.anthropicBaseUrl,
    apiKey: "scripted-model-placeholder",
  });
  return {
    model,
    modelName: plan.modelName,
    price: plan.price,
    judge: plan.judged ? { model, modelName: plan.modelName, price: plan.judgePrice } : undefined,
    notice: plan.notice,
    close: () => server.close(),
  };
}
