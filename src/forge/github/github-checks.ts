// A head commit's CI on GitHub is two things: check runs (Actions and other apps) and commit
// statuses (older CI integrations). This maps both to the Forge contract's CheckResult. Pure.
import type { CheckResult } from "../forge.ts";
import type { GithubCheckRun, GithubCommitStatus } from "./github-responses.ts";

/** Conclusions that leave CI green: the check ran and did not object. */
const passingConclusions = new Set(["success", "neutral", "skipped"]);

/** The log of an Actions check run is its job's log (the check run id is the job id). */
const actionsJobPrefix = "actions-job:";
/** Any other app's check run: its output (title, summary, text) is the log. */
const checkRunPrefix = "check-run:";

export type GithubLogSource = { kind: "actions-job"; id: number } | { kind: "check-run"; id: number };

export function checkRunResult(run: GithubCheckRun): CheckResult {
  let state: CheckResult["state"] = "pending";
  if (run.status === "completed") {
    state = run.conclusion !== null && passingConclusions.has(run.conclusion) ? "success" : "failure";
  }
  const isActions = run.app?.slug === "github-actions";
  const url = run.html_url ?? run.details_url ?? undefined;
  return {
    name: run.name,
    state,
    ...(url === undefined ? {} : { url }),
    logId: `${isActions ? actionsJobPrefix : checkRunPrefix}${run.id}`,
  };
}

export function commitStatusResult(status: GithubCommitStatus): CheckResult {
  const state: CheckResult["state"] =
    status.state === "success" ? "success" : status.state === "pending" ? "pending" : "failure";
  return {
    name: status.context,
    state,
    ...(status.target_url === null ? {} : { url: status.target_url }),
  };
}

/** Check runs then statuses, one result per name (a check run wins over a status of the same name). */
export function combineChecks(runs: GithubCheckRun[], statuses: GithubCommitStatus[]): CheckResult[] {
  const results = runs.map(checkRunResult);
  const names = new Set(results.map((result) => result.name));
  for (const status of statuses) {
    if (!names.has(status.context)) results.push(commitStatusResult(status));
  }
  return results;
}

/** Where a check's log comes from, read back from its logId; undefined when it has none. */
export function logSource(logId: string | undefined): GithubLogSource | undefined {
  if (logId === undefined) return undefined;
  for (const [prefix, kind] of [
    [actionsJobPrefix, "actions-job"],
    [checkRunPrefix, "check-run"],
  ] as const) {
    if (logId.startsWith(prefix) && /^\d+$/.test(logId.slice(prefix.length))) {
      return { kind, id: Number(logId.slice(prefix.length)) };
    }
  }
  return undefined;
}
