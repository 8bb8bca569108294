// The programmatic `slipway run`: one task taken to its end on a repository, with the same
// services and checks as the CLI; returns the report `slipway run --json` prints.
import { z } from "zod";
import { checkBaseRef } from "../pipeline/check-base-ref.ts";
import type { ProgressEvent } from "../pipeline/run-context.ts";
import { resolveRepoSource } from "../workspace/repo-source.ts";
import { withRunServices } from "./agent-services.ts";
import { apiSettings, parseApiInput, SlipwayApiOptions } from "./api-settings.ts";
import { runInProcess } from "./run-in-process.ts";
import type { RunReport } from "./run-report.ts";

export const SubmitRunOptions = SlipwayApiOptions.extend({
  /** A local git checkout or a git URL. */
  repo: z.string().min(1),
  /** The end state to reach. */
  task: z.string().trim().min(1, "the task is empty: say the end state to reach"),
  /** provider:model, script:FILE or replay:RUN_ID; default: the configuration's. */
  model: z.string().min(1).optional(),
  /** Branch, tag or commit to start from; default HEAD. */
  base: z.string().min(1).default("HEAD"),
  /** auto, bwrap, docker or none; default: the configuration's. */
  sandbox: z.string().min(1).optional(),
  /** false skips the LLM judge for this run. */
  judge: z.boolean().default(true),
  /** Names the task across runs (its branch is slipway/<key>). */
  taskKey: z.string().min(1).optional(),
  /** Globs the change must stay within. */
  allowPaths: z.array(z.string().min(1)).default([]),
  maxTurns: z.number().int().positive().optional(),
});
export type SubmitRunOptions = z.input<typeof SubmitRunOptions> & {
  /** Stops the run (it ends as interrupted). */
  signal?: AbortSignal;
  /** Each stage and step as it happens. */
  onProgress?: (event: ProgressEvent) => void;
};

function configFlags(options: z.output<typeof SubmitRunOptions>): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  if (options.model) flags.model = options.model;
  if (options.sandbox) flags.sandbox = { backend: options.sandbox };
  if (!options.judge) flags.judge = { enabled: false };
  if (options.maxTurns) flags.limits = { maxTurns: options.maxTurns };
  return flags;
}

/**
 * Run `task` on `repo` to its end and return the report. Throws a SlipwayError (InputError,
 * ConfigError, ModelError…) for what is wrong before the run starts; a run that fails is a report
 * whose `outcome` says how, not an exception.
 */
export async function submitRun(input: SubmitRunOptions): Promise<RunReport> {
  const { signal, onProgress, ...fields } = input;
  const options = parseApiInput(SubmitRunOptions, fields, "submitRun");
  const settings = apiSettings(options, configFlags(options));
  const repo = await resolveRepoSource(options.repo, signal);
  // An unknown base is refused before the store or a mirror exists.
  const listedRefs = await checkBaseRef(repo, options.base, signal);
  return withRunServices(settings, async (agent, app) => {
    const { report } = await runInProcess({
      app,
      agent,
      request: {
        repo,
        taskText: options.task,
        baseRef: options.base,
        baseChecked: true,
        listedRefs,
        guardGrants: { allowedPaths: options.allowPaths, allowProtected: [], allowBinary: [] },
        taskKey: options.taskKey,
      },
      signal: signal ?? new AbortController().signal,
      onProgress,
    });
    return report;
  });
}
