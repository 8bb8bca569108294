// A head commit's CI as GitHub reports it, read through Octokit: its check runs and commit
// statuses (bounded pages), and the log of one failed check (an Actions job's log, or another
// app's check run output).
import type { Octokit } from "@octokit/rest";
import { ForgeError } from "../../core/errors.ts";
import type { CheckResult } from "../forge.ts";
import { combineChecks, logSource } from "./github-checks.ts";
import { GithubCheckRun, GithubCheckRunList, GithubCombinedStatus, parseGithub } from "./github-responses.ts";

/** The repository whose CI is read. */
export interface GithubRepositoryTarget {
  octokit: Octokit;
  owner: string;
  repo: string;
}

/** Pages of 100 check runs read at most. */
const maxPages = 10;

export async function listChecks(
  target: GithubRepositoryTarget,
  sha: string,
  signal: AbortSignal,
): Promise<CheckResult[]> {
  const { octokit, owner, repo } = target;
  const runs: GithubCheckRun[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const response = await octokit.rest.checks.listForRef({
      owner,
      repo,
      ref: sha,
      filter: "latest",
      per_page: 100,
      page,
      request: { signal },
    });
    const list = parseGithub(GithubCheckRunList, response.data, `the check runs of ${sha}`);
    runs.push(...list.check_runs);
    if (list.check_runs.length < 100 || runs.length >= list.total_count) break;
  }
  const combined = await octokit.rest.repos.getCombinedStatusForRef({
    owner,
    repo,
    ref: sha,
    per_page: 100,
    request: { signal },
  });
  const statuses = parseGithub(GithubCombinedStatus, combined.data, `the commit statuses of ${sha}`);
  return combineChecks(runs, statuses.statuses);
}

export async function readCheckLog(
  target: GithubRepositoryTarget,
  check: CheckResult,
  signal: AbortSignal,
): Promise<string> {
  const { octokit, owner, repo } = target;
  const source = logSource(check.logId);
  if (source === undefined) {
    return `${check.name} has no log on GitHub (a commit status)${check.url === undefined ? "" : `: see ${check.url}`}`;
  }
  if (source.kind === "actions-job") {
    // GitHub answers with a redirect to the log file; fetch follows it.
    const response = await octokit.rest.actions.downloadJobLogsForWorkflowRun({
      owner,
      repo,
      job_id: source.id,
      request: { signal },
    });
    const data: unknown = response.data;
    if (typeof data === "string") return data;
    if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
    throw new ForgeError(`GitHub answered the log of ${check.name} with something other than text`);
  }
  const response = await octokit.rest.checks.get({
    owner,
    repo,
    check_run_id: source.id,
    request: { signal },
  });
  const run = parseGithub(GithubCheckRun, response.data, `check run ${source.id}`);
  return [run.output.title, run.output.summary, run.output.text].filter((part) => part !== null).join("\n\n");
}
