// `slipway run`: take one task to a verified commit on a branch.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { checkBaseRef } from "../pipeline/check-base-ref.ts";
import type { RunRequest } from "../pipeline/start-run.ts";
import { resolveRepoSource } from "../workspace/repo-source.ts";
import { type AppSettings, type GlobalOptions, loadAppSettings } from "./app-context.ts";
import { collect, positiveInteger, positiveNumber } from "./option-parsers.ts";

interface RunFlags {
  repo: string;
  task?: string;
  taskFile?: string;
  base: string;
  model?: string;
  maxTurns?: number;
  maxMinutes?: number;
  maxTokens?: number;
  maxCostUsd?: number;
  sandbox?: string;
  allowPath: string[];
  allowProtected: string[];
  allowBinary: string[];
  judge: boolean;
  taskKey?: string;
  issue?: number;
  detach: boolean;
  json: boolean;
}

function readTask(flags: RunFlags): string {
  if (flags.task !== undefined && flags.taskFile !== undefined) {
    throw new InputError("give the task either with --task or with --task-file, not both");
  }
  let text = flags.task;
  if (flags.taskFile !== undefined) {
    try {
      text = readFileSync(flags.taskFile, "utf8");
    } catch (error) {
      throw new InputError(`cannot read --task-file ${flags.taskFile}: ${(error as Error).message}`);
    }
  }
  if (!text?.trim()) throw new InputError('no task: pass --task "<the end state>" or --task-file task.md');
  return text;
}

function configFlags(flags: RunFlags): Record<string, unknown> {
  const limits: Record<string, unknown> = {};
  if (flags.maxTurns !== undefined) limits.maxTurns = flags.maxTurns;
  if (flags.maxMinutes !== undefined) limits.maxMinutes = flags.maxMinutes;
  if (flags.maxTokens !== undefined) limits.maxTokens = flags.maxTokens;
  if (flags.maxCostUsd !== undefined) limits.maxCostUsd = flags.maxCostUsd;
  const values: Record<string, unknown> = { limits };
  if (flags.model !== undefined) values.model = flags.model;
  if (flags.sandbox !== undefined) values.sandbox = { backend: flags.sandbox };
  if (!flags.judge) values.judge = { enabled: false };
  return values;
}

/** `--detach`: the run is validated, stored and queued for `slipway worker`; its id is printed. */
async function submitDetached(request: RunRequest, settings: AppSettings, json: boolean): Promise<void> {
  const [{ specOfRequest }, { specSettingsOf }, { submitRunSpec }] = await Promise.all([
    import("../pipeline/start-run.ts"),
    import("../runs/run-spec-settings.ts"),
    import("../runs/submit-run-spec.ts"),
  ]);
  const spec = await specOfRequest(request, specSettingsOf(settings.config));
  const { runId } = await submitRunSpec(spec, settings);
  process.stdout.write(json ? `${JSON.stringify({ runId, status: "queued" })}\n` : `${runId}\n`);
}

/** The modules that execute a run in this process. */
async function loadRunMachinery() {
  const [{ withRunServices }, { executeRun }] = await Promise.all([
    import("./agent-services.ts"),
    import("./execute-run.ts"),
  ]);
  return { withRunServices, executeRun };
}

export function registerRunCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("run")
    .description("run the agent on a repository until the task's end state is reached and verified")
    .requiredOption("--repo <path-or-url>", "a local git checkout or a git URL")
    .option("--task <text>", "the end state to reach")
    .option("--task-file <file>", "read the task from a file")
    .option("--base <ref>", "branch, tag or commit to start from", "HEAD")
    .option(
      "--model <provider:model>",
      "e.g. anthropic:claude-sonnet-4-5, openai:gpt-5, openai-compatible:qwen3; script:FILE (scripted turns) or replay:RUN_ID (a recorded run's answers) need no account",
    )
    .option("--max-turns <n>", "model calls per run", positiveInteger)
    .option("--max-minutes <n>", "wall time per run", positiveNumber)
    .option("--max-tokens <n>", "input + output tokens per run", positiveInteger)
    .option("--max-cost-usd <n>", "dollars per run", positiveNumber)
    .option("--sandbox <backend>", "auto, bwrap, docker or none")
    .option("--allow-path <glob>", "limit the change to paths matching this glob (repeatable)", collect, [])
    .option(
      "--allow-protected <glob>",
      "let this task change protected files matching this glob: CI, lockfiles, manifests (repeatable)",
      collect,
      [],
    )
    .option(
      "--allow-binary <glob>",
      "let this task put binary content (NUL bytes, -diff attributes) in text-typed files matching this glob (repeatable)",
      collect,
      [],
    )
    .option("--no-judge", "skip the independent LLM judge for this run")
    .option(
      "--task-key <key>",
      "name the task across runs: its branch is slipway/<key>, and running it again updates the same pull request (default: derived from repo, base and task text)",
    )
    .option(
      "--issue <number>",
      "the forge issue this task comes from: the new pull request's link is commented there (github, gitlab)",
      positiveInteger,
    )
    .option(
      "--detach",
      "queue the run for `slipway worker` and print its id instead of running it here (follow it with `slipway logs -f`)",
      false,
    )
    .option("--json", "print the report as JSON", false)
    .action(async (flags: RunFlags) => {
      // Everything a user can get wrong is checked before the data directory or the store is made.
      const taskText = readTask(flags);
      const settings = loadAppSettings(global(), configFlags(flags));
      const repo = await resolveRepoSource(flags.repo);
      const request: RunRequest = {
        repo,
        taskText,
        baseRef: flags.base,
        guardGrants: {
          allowedPaths: flags.allowPath,
          allowProtected: flags.allowProtected,
          allowBinary: flags.allowBinary,
        },
        taskKey: flags.taskKey,
        originIssue: flags.issue,
      };
      if (flags.detach) {
        await submitDetached(request, settings, flags.json);
        return;
      }
      // An unknown base is refused before the store or a mirror exists, and before the run's
      // machinery (pipeline, agent, models, sandboxes: most of the CLI's modules) is loaded.
      const listedRefs = await checkBaseRef(repo, flags.base);
      const { withRunServices, executeRun } = await loadRunMachinery();
      await withRunServices(settings, async (agent, app) => {
        const { exitCode } = await executeRun({
          ...agent,
          app,
          request: { ...request, baseChecked: true, listedRefs },
          json: flags.json,
        });
        process.exitCode = exitCode;
      });
    });
}
