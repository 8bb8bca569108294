// `slipway pr watch <n>`: shepherd a pull request Slipway opened — follow-up runs for failing CI
// (bounded, once per head commit) and for `/slipway <instruction>` comments, answered in the thread.
// `slipway pr comment <n> <text>`: comment on a local review request (how `/slipway` reaches it).

import { userInfo } from "node:os";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import type { Task } from "../core/run.ts";
import type { ShepherdAction } from "../forge/follow-up/shepherd.ts";
import { originalTaskOf, watchPullRequest } from "../forge/follow-up/watch-pull-request.ts";
import { localForgeName } from "../forge/local/local-forge.ts";
import { openForge } from "../forge/registry.ts";
import { startRun } from "../pipeline/start-run.ts";
import type { PullRequestRecord } from "../store/pull-request-store.ts";
import { type AgentServices, prepareAgentServices, recordedRunsOf } from "./agent-services.ts";
import type { AppContext, GlobalOptions } from "./app-context.ts";
import { positiveNumber } from "./option-parsers.ts";
import { createTerminalProgress } from "./output/live-progress.ts";
import { terminalSafe } from "./output/terminal-text.ts";
import { findOne, forgeName, noPullRequest, pullRequestNumber, withApp } from "./pr-lookup.ts";

/** A CI log beyond this is cut from the front: the failure is at the end. */
const maxLogChars = 200_000;

interface WatchFlags {
  forge?: string;
  model?: string;
  once: boolean;
  maxMinutes: number;
  json: boolean;
}

/** One action as a line for the terminal: check names and triggers come from the forge, so inert. */
export function actionLine(action: ShepherdAction): string {
  return terminalSafe(actionText(action));
}

function actionText(action: ShepherdAction): string {
  switch (action.kind) {
    case "followed_up":
      return `follow-up ${action.trigger}: run ${action.runId} ended ${action.outcome}`;
    case "waiting":
      return `waiting for ${action.pending.join(", ")}`;
    case "reported":
      return `${action.reason === "base_also_fails" ? "failing on the base branch too" : "follow-up limit reached"}: ${action.failing.join(", ")} (said on the pull request)`;
    case "already_followed_up":
      return `already followed up on this head commit: ${action.failing.join(", ")}`;
    case "closed":
      return `the pull request is ${action.state}: nothing to do`;
    default:
      return action.kind === "passed" ? "CI passed" : "no CI checks on the head commit yet";
  }
}

/**
 * The follow-ups' model: --model, else the model of the run behind the pull request (so a follow-up
 * is made as the change was), else the configured one.
 */
async function followUpModel(
  app: AppContext,
  record: PullRequestRecord,
  flags: WatchFlags,
): Promise<string | undefined> {
  if (flags.model !== undefined) return flags.model;
  const run = record.runId === undefined ? undefined : await app.store.getRun(record.runId);
  if (!run) return app.config.model;
  if (!flags.json)
    process.stderr.write(
      `note: follow-ups use ${run.model}, the model of run ${run.id} (--model to change)\n`,
    );
  return run.model;
}

async function watch(app: AppContext, number: number, flags: WatchFlags): Promise<string> {
  const record = await findOne(app, number, flags.forge);
  const task = await originalTaskOf(app.store, record);
  const model = await followUpModel(app, record, flags);
  const watching: AppContext = { ...app, config: { ...app.config, model } };
  const agent = await prepareAgentServices(watching, recordedRunsOf(app.store));
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error("stopped by signal"));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await shepherd(watching, { record, task, agent, signal: controller.signal }, flags);
  } finally {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
  }
}

interface WatchTarget {
  record: PullRequestRecord;
  task: Task;
  agent: AgentServices;
  signal: AbortSignal;
}

async function shepherd(app: AppContext, target: WatchTarget, flags: WatchFlags): Promise<string> {
  const { record, agent, signal } = target;
  const number = record.number;
  const forge = await openForge({
    settings: app.config.forge,
    source: target.task.repo,
    store: app.store,
    env: app.env,
    signal,
  });
  if (forge.name !== record.forge) {
    throw new InputError(
      `#${number} is on ${record.forge} but forge.type is ${forge.name}: watch it with that forge configured`,
    );
  }
  const progress = createTerminalProgress(process.stderr, app.env);
  const actions = await watchPullRequest(
    record,
    {
      store: app.store,
      forge,
      signal,
      maxCiFollowUps: app.config.forge.maxCiFollowUps,
      maxReviewFollowUps: app.config.forge.maxReviewFollowUps,
      botLogin: app.config.forge.botLogin,
      commandAuthors: app.config.forge.commandAuthors,
      maxLogChars,
      startFollowUp: (request) =>
        startRun(request, {
          store: app.store,
          config: app.config,
          dataDir: app.dataDir,
          ...agent,
          env: app.env,
          onProgress: flags.json ? () => {} : progress.event,
          signal,
        }),
    },
    {
      once: flags.once,
      maxWaitMs: flags.maxMinutes * 60_000,
      initialDelayMs: 15_000,
      maxDelayMs: 5 * 60_000,
      onPass: (pass) => {
        if (!flags.json) for (const action of pass) process.stderr.write(`▸ ${actionLine(action)}\n`);
      },
    },
    // The spinner is erased before the summary or an error is printed.
  ).finally(progress.stop);
  return flags.json
    ? JSON.stringify({ pullRequest: number, actions }, null, 2)
    : actions.map(actionLine).join("\n");
}

export function registerWatch(pr: Command, global: () => GlobalOptions): void {
  pr.command("watch")
    .description(
      "shepherd a pull request Slipway opened: follow-up runs for failing CI (≤ forge.maxCiFollowUps, once per head commit) and for `/slipway <instruction>` comments",
    )
    .argument("<number>", "its number, as `slipway pr list` shows it", pullRequestNumber)
    .option("--forge <name>", "which forge's #<number>, when several have one", forgeName)
    .option(
      "--model <provider:model>",
      "the follow-up runs' model (default: the model of the run that made the pull request)",
    )
    .option("--once", "one pass: act on what is there now, do not wait for CI", false)
    .option("--max-minutes <n>", "stop watching after this long", positiveNumber, 60)
    .option("--json", "print what was done as JSON", false)
    .action((number: number, flags: WatchFlags) =>
      withApp(global, (app) => watch(app, number, flags), noPullRequest(number)),
    );
}

export function registerComment(pr: Command, global: () => GlobalOptions): void {
  pr.command("comment")
    .description(
      "comment on a local review request; a line `/slipway <instruction>` asks for a follow-up run",
    )
    .argument("<number>", "the local review request's number", pullRequestNumber)
    .argument("<text>", "the comment")
    .option("--json", "print the comment as JSON", false)
    .action((number: number, text: string, flags: { json: boolean }) =>
      withApp(
        global,
        async (app) => {
          if (text.trim() === "") throw new InputError("the comment is empty: give its text");
          const record = await findOne(app, number, localForgeName);
          const comment = await app.store.addPullRequestComment(record, {
            author: userInfo().username,
            body: text,
          });
          return flags.json ? JSON.stringify(comment, null, 2) : `commented on review request #${number}`;
        },
        noPullRequest(number),
      ),
    );
}
