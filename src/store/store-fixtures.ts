// Builders for tasks and runs with realistic values, for store tests and the store contract suite.
import { newId } from "../core/ids.ts";
import type { Run, Task } from "../core/run.ts";

/** The fixed instant fixture times count from, so runs order predictably. */
export const fixtureBaseTime = Date.parse("2025-01-01T00:00:00.000Z");

/** A task with a fresh id; `overrides` replace any field. */
export function makeTask(overrides: Partial<Task> = {}): Task {
  return {
    id: newId("task"),
    text: "Make slugify trim dashes.\n\nTests must pass.",
    title: "Make slugify trim dashes.",
    repo: "/srv/repos/example",
    baseRef: "main",
    createdAt: new Date(fixtureBaseTime).toISOString(),
    ...overrides,
  };
}

/** A running run of `task` started `minutesAfterBase` after the base time; runs started the same minute share an id prefix. */
export function makeRun(task: Task, minutesAfterBase: number, overrides: Partial<Run> = {}): Run {
  const started = fixtureBaseTime + minutesAfterBase * 60_000;
  return {
    id: newId("run", started),
    taskId: task.id,
    status: "running",
    stage: "created",
    model: "anthropic:claude-sonnet-4-5",
    sandbox: "none",
    limits: { maxTurns: 30, maxMinutes: 20, maxTokens: 500_000, maxCostUsd: 2.5 },
    branch: `slipway/${minutesAfterBase}`,
    filesChanged: [],
    turns: 0,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    startedAt: new Date(started).toISOString(),
    attempt: 0,
    ownerPid: 4242,
    ownerHost: "builder-1",
    state: {},
    ...overrides,
  };
}
