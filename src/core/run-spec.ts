// The run spec: everything intake decided about a run, serialisable, so any worker can execute it.
import path from "node:path";
import { z } from "zod";
import { InputError } from "./errors.ts";

/** What a task may do beyond the guards' defaults (the `--allow-*` flags). */
export const RunSpecGuardGrants = z
  .object({
    allowedPaths: z.array(z.string().min(1)).default([]),
    allowProtected: z.array(z.string().min(1)).default([]),
    allowBinary: z.array(z.string().min(1)).default([]),
    allowSymlinks: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** A follow-up run's link to the pull request it works on and the run that opened it. */
export const RunSpecFollowUp = z
  .object({
    parentRunId: z.string().min(1).optional(),
    pullRequest: z.number().int().positive(),
    kind: z.enum(["ci", "review"]),
    /** The claimed trigger (`ci:<sha>`, `comment:<id>`). */
    trigger: z.string().min(1),
  })
  .strict();

const RunSpecLimits = z
  .object({
    maxTurns: z.number().int().positive(),
    maxMinutes: z.number().positive(),
    maxTokens: z.number().int().positive(),
    maxCostUsd: z.number().positive(),
  })
  .strict();

/** A git URL (scheme://, or scp-like user@host:path) or an absolute local path. */
function isRepositoryReference(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[^/\s]+@[^/\s:]+:/.test(value) || path.isAbsolute(value);
}

/** Version 1 of the run spec. A later version is a new object in the union, never a changed one. */
export const RunSpecV1 = z
  .object({
    version: z.literal(1),
    /** A git URL or an absolute local path (intake resolves a relative path before it is stored). */
    repository: z
      .string()
      .min(1)
      .refine(isRepositoryReference, "expected a git URL or an absolute path to a repository"),
    baseRef: z.string().trim().min(1),
    taskText: z.string().trim().min(1, "the task is empty: say the end state to reach"),
    /** Names the task across runs: its branch is `slipway/<key>`. */
    taskKey: z.string().min(1),
    /** provider:model, script:ABSOLUTE_FILE or replay:RUN_ID. */
    model: z.string().regex(/^[a-z-]+:.+$/, "expected provider:model, script:FILE or replay:RUN_ID"),
    /** The sandbox backend's name (auto, bwrap, docker, none). */
    sandbox: z.string().min(1),
    limits: RunSpecLimits,
    guardGrants: RunSpecGuardGrants.prefault({}),
    /** The forge issue the task comes from: the pull request's link is commented there. */
    originIssue: z.number().int().positive().optional(),
    followUp: RunSpecFollowUp.optional(),
    requestedBy: z
      .object({ name: z.string().min(1), email: z.string().min(1) })
      .strict()
      .optional(),
    /** false: no LLM judge for this run. */
    judge: z.boolean(),
  })
  .strict();

/** Every version intake may have stored; the workers read any of them. */
export const RunSpec = z.discriminatedUnion("version", [RunSpecV1]);
export type RunSpec = z.output<typeof RunSpec>;
export type RunSpecInput = z.input<typeof RunSpec>;

/** Parse a spec (submitted or read back from the store); InputError naming the first bad field. */
export function parseRunSpec(value: unknown): RunSpec {
  const parsed = RunSpec.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
  throw new InputError(`invalid run spec: ${field}${issue.message}`, {
    details: { path: issue.path.map(String) },
  });
}
