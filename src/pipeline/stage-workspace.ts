// Stage workspace: mirror the repository, add a fresh worktree at the base ref, open the sandbox.
import path from "node:path";
import {
  readRepoGuardSection,
  resolveGuardPolicy,
  type TaskGuardGrants,
} from "../judge/review/guard-policy-sources.ts";
import { sandboxOptionsFor } from "../sandbox/sandbox-options.ts";
import { createWorktree } from "../workspace/worktree.ts";
import { readBaseVerifyConfig } from "./base-verify-config.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

export function worktreePathFor(dataDir: string, runId: string): string {
  return path.join(dataDir, "worktrees", runId);
}

export async function workspaceStage(context: RunContext): Promise<StageResult> {
  const { services, run } = context;
  const started = performance.now();
  const mirrorPath = context.mirrorPath!;
  const worktreePath = worktreePathFor(services.dataDir, run.id);
  // Saved before the worktree exists, so a crash in between still lets recovery remove it.
  context.run = await services.store.updateRun(run.id, { worktree: worktreePath });
  // The base was resolved to a commit before the run was recorded; the worktree starts there.
  const { baseCommit } = await createWorktree({
    mirrorPath,
    baseRef: run.baseCommit!,
    branch: run.branch,
    worktreePath,
  });
  // Read at the base commit, before the agent can touch .slipway.yml.
  context.guardPolicy = resolveGuardPolicy(
    services.config.guards,
    await readRepoGuardSection(worktreePath),
    (run.state.guardGrants ?? {}) as TaskGuardGrants,
  );
  // Verification settings come from the base commit's objects, never the file the agent can edit.
  context.repoVerifyConfig = await readBaseVerifyConfig(mirrorPath, baseCommit, context.signal);
  // The same options (no allowHosts: no network) whose limits run-start recorded.
  context.sandbox = await services.sandboxBackend.create(sandboxOptionsFor(services.config, worktreePath));
  await recordEvent(context, "workspace-ready", {
    mirrorPath,
    worktree: worktreePath,
    baseCommit,
    branch: run.branch,
    sandbox: context.sandbox.backend,
    durationMs: Math.round(performance.now() - started),
  });
  return { next: "agent", update: { baseCommit, worktree: worktreePath } };
}
