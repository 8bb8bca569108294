// Stage workspace: add a fresh worktree at the base ref on the run's place (made with the mirror's fetch).
import type { SlipwayConfig } from "../config/config-schema.ts";
import { InputError } from "../core/errors.ts";
import type { Run } from "../core/run.ts";
import { withRunState } from "../core/run-state.ts";
import { parseRepoGuardSection, resolveGuardPolicy } from "../judge/review/guard-policy-sources.ts";
import type { Store } from "../store/store.ts";
import { closeRunVolume, openRunSpace, unquotedWorktreePath } from "../workspace/run-volume.ts";
import { BranchInUseError, createWorktree } from "../workspace/worktree.ts";
import { readBaseRepoConfig, verifyConfigOf } from "./base-verify-config.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

/** Where a run's worktree would be without a disk quota (the volume's path is in the run's state). */
export function worktreePathFor(dataDir: string, runId: string): string {
  return unquotedWorktreePath(dataDir, runId);
}

/** What making a run's place needs: where the data lives, the quota's settings, the store. */
export interface RunPlaceServices {
  store: Store;
  config: SlipwayConfig;
  dataDir: string;
  signal: AbortSignal;
}

/**
 * Make the run's disk-capped place (its volume, a fresh filesystem) and record it before anything is
 * in it, so cleanup and recovery find it. Returns the run as saved, `worktree` set. Made before the
 * workspace stage, while the mirror is fetched (see run-execution's prepareAttempt).
 */
export async function openRunPlace(run: Run, services: RunPlaceServices): Promise<Run> {
  const space = await openRunSpace({
    dataDir: services.dataDir,
    runId: run.id,
    diskBytes: services.config.sandbox.diskMb * 1024 * 1024,
    acceptNoQuota: services.config.sandbox.acceptWeaker.includes("disk-quota"),
    signal: services.signal,
  });
  const state = space.volume ? withRunState(run.state, { volume: space.volume }) : run.state;
  // Saved before the worktree exists, so a crash in between still lets recovery remove it.
  try {
    return await services.store.updateRun(run.id, { worktree: space.worktreePath, state });
  } catch (error) {
    if (space.volume) await closeRunVolume(space.volume.mountPoint, space.volume.image);
    throw error;
  }
}

/** Undo openRunPlace for a run that ends before its workspace stage: the volume goes, the record too. */
export async function closeRunPlace(placed: Run, before: Run, store: Store): Promise<void> {
  const { volume } = placed.state;
  if (volume) await closeRunVolume(volume.mountPoint, volume.image);
  await store.updateRun(placed.id, { worktree: null, state: before.state });
}

/**
 * A new run of a task starts its branch again from the base, and its push replaces the pull
 * request's head. When that head is a follow-up's commit (work a reviewer asked for on the pull
 * request), replacing it would discard that work while the thread says it was pushed: refused here,
 * before the worktree is made or anything spent (the empty volume made already goes at cleanup). Someone else's commit is left to the publish stage's lease.
 */
async function refuseDiscardingFollowUp(context: RunContext): Promise<void> {
  const { services, run } = context;
  if (run.state.followUp) return;
  const { forge, store } = services;
  const branchKey = { forge: forge.name, repository: forge.repository, branch: run.branch };
  // A branch Slipway never pushed has no pull request of this task: no forge request needed.
  if (!(await store.lastBranchPush(branchKey))) return;
  const pullRequest = await forge.findPullRequest(run.branch, context.signal);
  if (pullRequest?.state !== "open") return;
  const maker = await store.findRunByCommit(run.branch, pullRequest.headSha);
  if (!maker?.state.followUp) return;
  const reference = forge.pullRequestReference(pullRequest.number);
  throw new InputError(
    `branch ${run.branch} has open pull request ${reference}, whose head ${pullRequest.headSha.slice(0, 12)} is follow-up run ${maker.id}'s commit; running the task again would start over from ${run.baseCommit?.slice(0, 12)} and discard it. ` +
      `To change the pull request, comment "/slipway <what to change>" on it and run \`slipway pr watch ${pullRequest.number}\`; to start over, pass --task-key <a new key> (a new branch and pull request)`,
    { details: { branch: run.branch, pullRequest: pullRequest.number, head: pullRequest.headSha } },
  );
}

export async function workspaceStage(context: RunContext): Promise<StageResult> {
  const { services, run } = context;
  const started = performance.now();
  await refuseDiscardingFollowUp(context);
  const mirrorPath = context.mirrorPath!;
  // The place (the run's volume) was made and recorded while the mirror was fetched.
  const worktreePath = run.worktree;
  if (!worktreePath) throw new Error("the run's place was not made before its workspace stage");
  // The base was resolved to a commit before the run was recorded; the worktree starts there.
  const created = await createWorktree({
    mirrorPath,
    baseRef: run.baseCommit!,
    branch: run.branch,
    worktreePath,
  }).catch((error: unknown) => {
    if (error instanceof BranchInUseError) return error;
    throw error;
  });
  if (created instanceof BranchInUseError) return taskBusy(context);
  const { baseCommit } = created;
  // Guard and verification settings come from the base commit's objects, never from the worktree's
  // file, which the agent can edit and the repository can make a link to a host file or a FIFO.
  const repoConfig = await readBaseRepoConfig(mirrorPath, baseCommit, context.signal);
  context.guardPolicy = resolveGuardPolicy(
    services.config.guards,
    repoConfig ? parseRepoGuardSection(repoConfig.file, repoConfig.text) : {},
    run.state.guardGrants ?? {},
  );
  context.repoVerifyConfig = verifyConfigOf(repoConfig);
  // The agent's sandbox is created by the setup stage, after the setup's own sandbox is gone.
  await recordEvent(context, "workspace-ready", {
    mirrorPath,
    worktree: worktreePath,
    baseCommit,
    branch: run.branch,
    sandbox: services.sandboxBackend.name,
    durationMs: Math.round(performance.now() - started),
  });
  return { next: "setup", update: { baseCommit, worktree: worktreePath } };
}

/**
 * Another run of this task holds its branch (git lets one worktree check a branch out): this run
 * stands down with its own outcome, naming the other run, instead of failing on git's message.
 */
async function taskBusy(context: RunContext): Promise<StageResult> {
  const { run, services } = context;
  const other = (await services.store.listUnfinishedRuns().catch(() => [])).find(
    (candidate) => candidate.branch === run.branch && candidate.id !== run.id,
  );
  const who = other ? `run ${other.id}` : "another run";
  return {
    next: "cleanup",
    outcome: "task_busy",
    outcomeDetail: `${who} of the same task is working on branch ${run.branch}: this run stood down (one run per task at a time); wait for it, or pass --task-key <a new key> for a separate branch and pull request`,
  };
}
