// One pass over an open pull request: answer `/slipway` requests in its comments with follow-up
// runs (review-requests.ts), then read its CI and start at most one follow-up per head commit for what the change broke.
// Every follow-up is claimed in the store first, so racing watchers never start the same one twice.
import type { Run, Task } from "../../core/run.ts";
import type { RunRequest } from "../../pipeline/start-run.ts";
import type { PullRequestRecord } from "../../store/pull-request-store.ts";
import type { Store } from "../../store/store.ts";
import type { CheckResult, Forge } from "../forge.ts";
import { decideCi } from "./ci-decision.ts";
import { parseCiLog } from "./ci-log-findings.ts";
import { ciFollowUpTask } from "./follow-up-task.ts";
import { answerReviewRequests } from "./review-requests.ts";
import { startFollowUp } from "./start-follow-up.ts";
import { untrustedLine } from "./untrusted-text.ts";

export interface ShepherdDeps {
  store: Store;
  forge: Forge;
  /** Starts a follow-up run and resolves when it has ended. */
  startFollowUp: (request: RunRequest) => Promise<Run>;
  signal: AbortSignal;
  maxCiFollowUps: number;
  maxReviewFollowUps: number;
  /** `forge.botLogin`: the login Slipway comments as, when the token's own account is not enough. */
  botLogin?: string;
  /** `forge.commandAuthors`: logins that may ask for follow-ups without write access. */
  commandAuthors: readonly string[];
  /** Cap on one CI log read. */
  maxLogChars: number;
}

export type ShepherdAction =
  | { kind: "closed"; state: string }
  | { kind: "waiting"; pending: string[] }
  | { kind: "no_checks" }
  | { kind: "passed" }
  | { kind: "reported"; reason: "base_also_fails" | "limit_reached"; failing: string[] }
  | { kind: "already_followed_up"; failing: string[] }
  | { kind: "followed_up"; trigger: string; runId: string; outcome: string };

/** What one pass found the pull request to need and did about it; the last action says where it stands. */
export async function shepherdOnce(
  record: PullRequestRecord,
  originalTask: Task,
  deps: ShepherdDeps,
): Promise<ShepherdAction[]> {
  const current = await deps.forge.findPullRequest(record.head, deps.signal);
  if (current?.state !== "open") return [{ kind: "closed", state: current?.state ?? "gone" }];
  const review = await answerReviewRequests(record, originalTask, deps);
  // A review follow-up moved the head: its CI is the next pass's business.
  if (review.length > 0) return review;
  return [await followCi({ ...record, headSha: current.headSha }, originalTask, deps)];
}

async function followCi(
  record: PullRequestRecord,
  originalTask: Task,
  deps: ShepherdDeps,
): Promise<ShepherdAction> {
  const headChecks = await deps.forge.checks(record.headSha, deps.signal);
  const hasFailure = headChecks.some((check) => check.state === "failure");
  const baseSha = hasFailure ? await deps.forge.remoteBranchSha(record.base, deps.signal) : null;
  const baseChecks = baseSha ? await deps.forge.checks(baseSha, deps.signal) : undefined;
  const decision = decideCi({
    headChecks,
    baseChecks,
    followUps: await deps.store.countFollowUps(record, "ci"),
    maxFollowUps: deps.maxCiFollowUps,
    headAlreadyClaimed: false,
  });
  switch (decision.kind) {
    case "wait":
      return { kind: "waiting", pending: decision.pending };
    case "passed":
    case "no_checks":
      return { kind: decision.kind };
    case "already_followed_up":
      return decision;
    case "base_also_fails":
    case "limit_reached":
      await reportOnce(record, deps, decision.kind, decision.failing);
      return { kind: "reported", reason: decision.kind, failing: decision.failing };
    case "follow_up":
      return followUpOnFailures(record, originalTask, deps, decision.failing);
  }
}

async function followUpOnFailures(
  record: PullRequestRecord,
  originalTask: Task,
  deps: ShepherdDeps,
  failing: readonly CheckResult[],
): Promise<ShepherdAction> {
  const trigger = `ci:${record.headSha}`;
  const names = failing.map((check) => check.name);
  if (!(await deps.store.claimFollowUp({ ...record, trigger, kind: "ci" }))) {
    return { kind: "already_followed_up", failing: names };
  }
  const failures = [];
  for (const check of failing) {
    const log = (await deps.forge.checkLog(check, deps.signal)).slice(-deps.maxLogChars);
    failures.push({ check: check.name, findings: parseCiLog(log).findings });
  }
  const run = await startFollowUp(record, deps, trigger, "ci", {
    text: ciFollowUpTask(originalTask.text, failures),
    originalTask,
  });
  return { kind: "followed_up", trigger, runId: run.id, outcome: run.outcome ?? "error" };
}

/** Check names come from the repository's CI: each one line, in code, so it adds no Markdown of its own. */
function checkNames(failing: readonly string[]): string {
  return failing.map((name) => `\`${untrustedLine(name, 100).replaceAll("`", "'")}\``).join(", ");
}

const reportTexts = {
  base_also_fails: (failing: string[]) =>
    `CI fails on ${checkNames(failing)}, and the same checks fail on the base branch: that is not this change's to fix, so Slipway starts no follow-up. Fix the base branch, then re-run CI.`,
  limit_reached: (failing: string[]) =>
    `CI still fails on ${checkNames(failing)} after Slipway's follow-ups reached their limit; a person needs to take it from here.`,
};

/** Say it once per head commit, whoever else is watching. */
async function reportOnce(
  record: PullRequestRecord,
  deps: ShepherdDeps,
  reason: keyof typeof reportTexts,
  failing: string[],
): Promise<void> {
  const trigger = `report:${reason}:${record.headSha}`;
  if (!(await deps.store.claimFollowUp({ ...record, trigger, kind: "report" }))) return;
  await deps.forge.comment(record.number, reportTexts[reason](failing), deps.signal);
}
