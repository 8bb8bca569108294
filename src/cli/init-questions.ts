// `slipway init`'s dialogue: provider and model, whether the key variable is set, forge and token
// variable, sandbox backend — each answer checked as it is given. Never asks for a secret.
import { z } from "zod";
import { boundedGet } from "./doctor-request.ts";
import type { Prompter } from "./init-prompter.ts";

export const initProviders = ["anthropic", "openai", "openai-compatible"] as const;
export const initForges = ["local", "github", "gitlab"] as const;
export const initSandboxes = ["auto", "bwrap", "docker"] as const;

/** What the answers put into slipway.yaml. */
export interface InitAnswers {
  model: string;
  provider: (typeof initProviders)[number];
  /** openai-compatible only. */
  baseUrl?: string;
  forge: (typeof initForges)[number];
  sandbox: (typeof initSandboxes)[number];
}

/** Whether a sandbox backend works here, as doctor says it. */
export interface SandboxVerdict {
  name: string;
  works: boolean;
  reason?: string;
}

const defaultModels: Record<InitAnswers["provider"], string> = {
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-5",
  "openai-compatible": "qwen3-coder",
};
/** The variable each provider's key is read from (provider-registry.ts's defaults). */
export const providerKeyVariables: Record<InitAnswers["provider"], string | undefined> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  "openai-compatible": "OPENAI_COMPATIBLE_API_KEY",
};
/** The variable each forge's token is read from (forge.<type>.tokenEnv's defaults). */
export const forgeTokenVariables: Record<InitAnswers["forge"], string | undefined> = {
  local: undefined,
  github: "GITHUB_TOKEN",
  gitlab: "GITLAB_TOKEN",
};

function isSet(env: NodeJS.ProcessEnv, name: string): boolean {
  return (env[name] ?? "").trim() !== "";
}

const checkUrl = (answer: string): string | undefined =>
  z.string().url().safeParse(answer).success
    ? undefined
    : `"${answer}" is not a URL (e.g. http://localhost:11434/v1)`;

/** A local server is checked at once: one bounded request, as doctor makes it. */
async function sayReachable(prompter: Prompter, baseUrl: string): Promise<void> {
  const answer = await boundedGet(`${baseUrl.replace(/\/+$/, "")}/models`, {}, 5_000);
  if (answer.reached) prompter.say(`  ✓ ${baseUrl} answers (HTTP ${answer.status})`);
  else
    prompter.say(
      `  ! ${baseUrl} cannot be reached (${answer.reason}): start the server before a run, or fix the URL`,
    );
}

async function askModel(
  prompter: Prompter,
  env: NodeJS.ProcessEnv,
): Promise<Omit<InitAnswers, "forge" | "sandbox">> {
  const provider = (await prompter.ask({
    text: "model provider",
    defaultAnswer: "anthropic",
    choices: initProviders,
  })) as InitAnswers["provider"];
  const modelId = await prompter.ask({ text: `${provider} model`, defaultAnswer: defaultModels[provider] });
  const baseUrl =
    provider === "openai-compatible"
      ? await prompter.ask({
          text: "server base URL",
          defaultAnswer: "http://localhost:11434/v1",
          check: checkUrl,
        })
      : undefined;
  if (baseUrl) await sayReachable(prompter, baseUrl);
  const keyVariable = providerKeyVariables[provider]!;
  const keyOptional = provider === "openai-compatible";
  if (isSet(env, keyVariable)) prompter.say(`  ✓ ${keyVariable} is set (its value stays in the environment)`);
  else if (keyOptional)
    prompter.say(`  - ${keyVariable} is not set: fine for a local server that needs no key`);
  else prompter.say(`  ! ${keyVariable} is not set: export it before a run (Slipway never stores keys)`);
  return { provider, model: `${provider}:${modelId}`, baseUrl };
}

async function askForge(prompter: Prompter, env: NodeJS.ProcessEnv): Promise<InitAnswers["forge"]> {
  const forge = (await prompter.ask({
    text: "forge (where branches and pull requests go)",
    defaultAnswer: "local",
    choices: initForges,
  })) as InitAnswers["forge"];
  const tokenVariable = forgeTokenVariables[forge];
  if (!tokenVariable) prompter.say("  ✓ local: branches go to a git remote, reviews live in Slipway's store");
  else if (isSet(env, tokenVariable))
    prompter.say(`  ✓ ${tokenVariable} is set; \`slipway doctor\` checks what it may do`);
  else prompter.say(`  ! ${tokenVariable} is not set: export a token with push and pull-request rights`);
  return forge;
}

async function askSandbox(prompter: Prompter, verdicts: SandboxVerdict[]): Promise<InitAnswers["sandbox"]> {
  for (const verdict of verdicts)
    prompter.say(
      `  ${verdict.name}: ${verdict.works ? "works here" : `does not work here: ${verdict.reason ?? "unavailable"}`}`,
    );
  const works = (name: string) => verdicts.some((verdict) => verdict.name === name && verdict.works);
  const sandbox = (await prompter.ask({
    text: "sandbox backend",
    defaultAnswer: "auto",
    choices: initSandboxes,
  })) as InitAnswers["sandbox"];
  if (sandbox === "auto" && !works("bwrap") && !works("docker"))
    prompter.say("  ! no isolating sandbox works here yet: runs cannot start until bwrap or docker does");
  else if (sandbox !== "auto" && !works(sandbox))
    prompter.say(`  ! ${sandbox} does not work here yet: fix it as said above, or choose auto`);
  return sandbox;
}

/** Ask every question in order; each answer's check is printed before the next question. */
export async function askInitAnswers(
  prompter: Prompter,
  env: NodeJS.ProcessEnv,
  verdicts: SandboxVerdict[],
): Promise<InitAnswers> {
  const model = await askModel(prompter, env);
  const forge = await askForge(prompter, env);
  const sandbox = await askSandbox(prompter, verdicts);
  return { ...model, forge, sandbox };
}
