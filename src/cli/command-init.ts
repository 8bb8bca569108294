// `slipway init`: on a terminal, asks for the provider and model, the forge and the sandbox (checking
// each answer as it goes) and writes slipway.yaml with them; otherwise (or with --yes) writes the
// commented template with every key at its default. Ends with the next command to run.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { type ChosenSetting, renderConfigTemplate, renderConfigWith } from "../config/config-template.ts";
import { configFileName } from "../config/load-config.ts";
import { InputError } from "../core/errors.ts";
import { sandboxBackends } from "../sandbox/registry.ts";
import { createLinePrompter } from "./init-prompter.ts";
import { askInitAnswers, type InitAnswers, type SandboxVerdict } from "./init-questions.ts";

interface InitFlags {
  force: boolean;
  yes: boolean;
  interactive: boolean;
}

/** The settings the answers put into slipway.yaml. */
export function settingsFromAnswers(answers: InitAnswers): ChosenSetting[] {
  const settings: ChosenSetting[] = [
    { path: ["model"], value: answers.model },
    { path: ["forge", "type"], value: answers.forge },
    { path: ["sandbox", "backend"], value: answers.sandbox },
  ];
  if (answers.baseUrl)
    settings.push({ path: ["providers", "openai-compatible", "baseUrl"], value: answers.baseUrl });
  return settings;
}

async function sandboxVerdicts(): Promise<SandboxVerdict[]> {
  const checks = ["bwrap", "docker"].map(async (name): Promise<SandboxVerdict> => {
    const backend = sandboxBackends.get(name);
    if (!backend) return { name, works: false, reason: "not built into this Slipway" };
    const availability = await backend.availability();
    return { name, works: availability.available, reason: availability.reason };
  });
  return Promise.all(checks);
}

async function askAndRender(): Promise<{ text: string; answers: InitAnswers }> {
  const prompter = createLinePrompter(process.stdin, process.stdout);
  try {
    prompter.say("Set up Slipway (Enter takes the default in brackets; no key is asked for or written).");
    const answers = await askInitAnswers(prompter, process.env, await sandboxVerdicts());
    return { text: renderConfigWith(settingsFromAnswers(answers)), answers };
  } finally {
    prompter.close();
  }
}

export function registerInitCommand(program: Command): void {
  program
    .command("init")
    .description(`write ${configFileName} in the current directory (asks a few questions on a terminal)`)
    .option("--force", "overwrite an existing file", false)
    .option("-y, --yes", "ask nothing: write the commented template with every key at its default", false)
    .option(
      "--interactive",
      "ask the questions even when stdin is not a terminal (answers from a pipe)",
      false,
    )
    .action(async (flags: InitFlags) => {
      const file = path.join(process.cwd(), configFileName);
      if (existsSync(file) && !flags.force) {
        throw new InputError(`${file} exists already: edit it, or pass --force to overwrite it`);
      }
      const asks = !flags.yes && (flags.interactive || process.stdin.isTTY === true);
      const chosen = asks ? await askAndRender() : undefined;
      writeFileSync(file, chosen?.text ?? renderConfigTemplate());
      process.stdout.write(`wrote ${file}\n`);
      process.stdout.write(`next: slipway doctor   (checks the model, the forge and the sandbox)\n`);
      if (!chosen) process.stdout.write("then: set `model:` in it, or run `slipway init` on a terminal\n");
    });
}
