// The scripted model's script: the turns it answers, one per request, validated with zod and
// loadable from a YAML or JSON file.
import { readFile } from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { ConfigError } from "../../core/errors.ts";

/** Longest pause a turn may ask for before it answers, so a bad script cannot hang a test. */
export const maxTurnDelayMs = 60_000;

/** Usage reported for a turn that does not script its own. */
export const defaultUsage = { inputTokens: 10, outputTokens: 5 } as const;

export const ScriptToolCall = z
  .strictObject({
    /** Tool call id; default `toolu_scripted_<turn>_<n>` (Anthropic) or `call_scripted_<turn>_<n>` (OpenAI). */
    id: z.string().min(1).optional(),
    name: z.string().min(1),
    /** The arguments as an object; default {}. */
    input: z.record(z.string(), z.unknown()).optional(),
    /** The arguments as these exact characters (may be malformed JSON); excludes `input`. */
    rawInput: z.string().optional(),
  })
  .refine((call) => call.input === undefined || call.rawInput === undefined, {
    message: "set input or rawInput, not both",
  });
export type ScriptToolCall = z.infer<typeof ScriptToolCall>;

export const ScriptUsage = z.strictObject({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
export type ScriptUsage = z.infer<typeof ScriptUsage>;

export const ScriptError = z.strictObject({
  /** HTTP status to answer, with the protocol's error body. */
  status: z.number().int().min(400).max(599),
  message: z.string().optional(),
  /** Sent as `retry-after` (and `retry-after-ms` on OpenAI); the AI SDK waits that long before retrying. */
  retryAfterSeconds: z.number().nonnegative().optional(),
});
export type ScriptError = z.infer<typeof ScriptError>;

/** Protocol-neutral finish reasons, named as the AI SDK reports them. */
export const ScriptFinishReason = z.enum(["stop", "tool-calls", "length", "content-filter"]);
export type ScriptFinishReason = z.infer<typeof ScriptFinishReason>;

export const ScriptTurn = z
  .strictObject({
    text: z.string().optional(),
    toolCalls: z.array(ScriptToolCall).optional(),
    /** Default {@link defaultUsage}. */
    usage: ScriptUsage.optional(),
    /** Answer this HTTP error instead of a message. */
    error: ScriptError.optional(),
    /** Wait this long before answering (at most {@link maxTurnDelayMs}). */
    delayMs: z.number().int().nonnegative().max(maxTurnDelayMs).optional(),
    /** Default "tool-calls" when the turn has tool calls, else "stop". */
    finishReason: ScriptFinishReason.optional(),
  })
  .refine((turn) => turn.error === undefined || (turn.text === undefined && turn.toolCalls === undefined), {
    message: "an error turn cannot also have text or toolCalls",
  });
export type ScriptTurn = z.infer<typeof ScriptTurn>;

export const ModelScript = z.strictObject({ turns: z.array(ScriptTurn) });
export type ModelScript = z.infer<typeof ModelScript>;

/** A script as written in a file: `{ turns: [...] }` or a bare list of turns. */
const ModelScriptInput = z.preprocess(
  (value) => (Array.isArray(value) ? { turns: value } : value),
  ModelScript,
);

function describeIssue(issue: z.core.$ZodIssue): string {
  const keyPath = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => (keyPath ? `${keyPath}.${key}` : key)).join(", ");
    return `unknown key ${keys}`;
  }
  return `${keyPath || "(top level)"}: ${issue.message}`;
}

/**
 * Validate a script held in memory. `source` names it in the error (a file path, "script").
 * Throws ConfigError with one line naming the source and the first bad key.
 */
export function parseModelScript(value: unknown, source: string): ModelScript {
  const parsed = ModelScriptInput.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]!;
  throw new ConfigError(`invalid model script ${source}: ${describeIssue(first)}`, {
    details: { source, issues: parsed.error.issues },
  });
}

function parseText(text: string, file: string): unknown {
  const extension = path.extname(file).toLowerCase();
  try {
    if (extension === ".json") return JSON.parse(text);
    if (extension === ".yaml" || extension === ".yml") return YAML.parse(text);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new ConfigError(`model script ${file} does not parse: ${reason}`, {
      details: { file },
      cause: error,
    });
  }
  throw new ConfigError(`model script ${file} must end in .yaml, .yml or .json`, { details: { file } });
}

/** Read and validate a script file (YAML or JSON by extension). Throws ConfigError on any problem. */
export async function loadModelScript(file: string): Promise<ModelScript> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read model script ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseModelScript(parseText(text, file), file);
}
