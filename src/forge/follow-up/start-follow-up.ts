// Starts one follow-up run on a pull request's head and links it to the claim that caused it.
import type { Run, Task } from "../../core/run.ts";
import type { PullRequestRecord } from "../../store/pull-request-store.ts";
import type { ShepherdDeps } from "./shepherd.ts";

/** Start the run (it resolves when the run has ended) and record it against `trigger`. */
export async function startFollowUp(
  record: PullRequestRecord,
  deps: ShepherdDeps,
  trigger: string,
  kind: "ci" | "review",
  task: { text: string; originalTask: Task },
): Promise<Run> {
  const run = await deps.startFollowUp({
    repo: task.originalTask.repo,
    taskText: task.text,
    baseRef: record.headSha,
    taskKey: record.taskKey ?? task.originalTask.key,
    followUp: { parentRunId: record.runId, pullRequest: record.number, kind, trigger },
  });
  await deps.store.attachFollowUpRun(record, trigger, run.id);
  return run;
}
