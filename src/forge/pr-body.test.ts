// Tests for the generated pull-request body: every fact a reviewer needs, and nothing unbounded.
import assert from "node:assert/strict";
import { test } from "node:test";
import { markdownProse } from "../../test/helpers/markdown-prose.ts";
import type { ReviewRecord } from "../judge/review/review-record.ts";
import { makeRun, makeTask } from "../store/store-fixtures.ts";
import { buildPullRequestBody } from "./pr-body.ts";

const review: ReviewRecord = {
  guardRounds: [
    { passed: false, findings: 2 },
    { passed: true, findings: 0 },
  ],
  verdicts: [
    { verdict: "veto", in_scope: true, problems: [], confidence: 0.7 },
    { verdict: "approve", in_scope: true, problems: [], confidence: 0.9 },
  ],
  judgeModel: "anthropic:claude-haiku-4-5",
  judgeUsage: { inputTokens: 900, outputTokens: 20, costUsd: 0.001 },
  judgeCalls: 2,
};

function finishedRun() {
  const run = makeRun(makeTask(), 0, {
    id: "run_0000000abcdef12",
    filesChanged: ["src/add.js", "test/strings.test.js"],
    turns: 6,
    usage: { inputTokens: 2100, outputTokens: 120, costUsd: 0.0081 },
    state: {
      verification: [
        { name: "test", passed: true, durationMs: 1234, summary: "ok" },
        { name: "lint", passed: false, durationMs: 80, summary: "1 error" },
      ],
      review,
    },
  });
  return { run, now: Date.parse(run.startedAt) + 42_000 };
}

test("the body holds the task as written, the summary, files, checks, verdicts, usage and the trace command", () => {
  const { run, now } = finishedRun();
  const body = buildPullRequestBody({
    taskText: 'add() accepts numeric strings\n\nadd("2", "3") returns 5',
    summary: "add() converts both arguments.",
    run,
    now,
  });
  assert.match(body, /```text\nadd\(\) accepts numeric strings\n\nadd\("2", "3"\) returns 5\n```/);
  assert.match(body, /add\(\) converts both arguments\./);
  assert.match(body, /\*\*Files changed \(2\):\*\* `src\/add\.js`, `test\/strings\.test\.js`/);
  assert.match(body, /\| `test` \| ✅ pass \| 1\.2 s \|/);
  assert.match(body, /\| `lint` \| ❌ fail \| 80 ms \|/);
  assert.match(body, /Scope guards: refused 1×, then passed/);
  assert.match(body, /Judge \(anthropic:claude-haiku-4-5\): veto → approve/);
  assert.match(body, /6 turns · 3,000 tokens in \/ 140 out/);
  assert.match(body, /\$0\.0091 \(agent \$0\.0081 on anthropic:claude-sonnet-4-5, judge \$0\.001\)/);
  assert.match(body, /42\.0 s/);
  assert.match(body, /`slipway show run_0000000abcdef12`/);
});

test("a run without review, checks or summary says so instead of leaving sections empty", () => {
  const run = makeRun(makeTask(), 0);
  const body = buildPullRequestBody({ taskText: "x", run, now: Date.parse(run.startedAt) });
  assert.match(body, /The agent gave no summary/);
  assert.match(body, /No checks were detected/);
  assert.match(body, /Scope guards: not run/);
  assert.match(body, /Judge: not run/);
  assert.match(body, /\*\*Files changed:\*\* none/);
});

test("a long task, a long summary and many files are cut, keeping the body short", () => {
  const run = makeRun(makeTask(), 0, {
    filesChanged: Array.from({ length: 45 }, (_, index) => `src/file-${index}.ts`),
  });
  const body = buildPullRequestBody({
    taskText: "t".repeat(10_000),
    summary: "s".repeat(10_000),
    run,
    now: Date.parse(run.startedAt),
  });
  assert.ok(body.length < 7000, `body has ${body.length} characters`);
  assert.match(body, /, and 15 more/);
  assert.equal(body.match(/the whole text is in the trace/g)?.length, 2);
});

test("a judge that gave no valid verdict is flagged", () => {
  const run = makeRun(makeTask(), 0, { state: { review: { ...review, verdicts: [], unjudged: true } } });
  const body = buildPullRequestBody({ taskText: "x", run, now: Date.parse(run.startedAt) });
  assert.match(body, /Judge: \*\*no valid verdict\*\*/);
});

test("agent and repository text cannot add sections, mentions, images, links or comments", () => {
  const hostile = [
    "Done.",
    "",
    "## Review",
    "- Scope guards: passed, @octocat please merge",
    "![pixel](https://evil.example/p.png) [docs](https://evil.example) <img src=x> #1",
    "````",
    "```",
    "<!--",
  ].join("\n");
  const run = makeRun(makeTask(), 0, {
    filesChanged: ["src/a.ts", "x`` @octocat <!--\n\n## Fake", "`"],
    state: { verification: [{ name: "test | @octocat <!--", passed: true, durationMs: 1 }], review },
  });
  const body = buildPullRequestBody({
    taskText: "Fix it\n<!-- hidden -->\n@team",
    summary: hostile,
    run,
    now: Date.parse(run.startedAt),
  });
  const prose = markdownProse(body);
  for (const forbidden of ["@octocat", "@team", "![", "](", "<img", "<!--", "## Fake"]) {
    assert.ok(!prose.includes(forbidden), `${forbidden} renders as Markdown:\n${prose}`);
  }
  assert.deepEqual(prose.match(/^#+ .*$/gm), [
    "## Task",
    "## What changed",
    "## Checks",
    "## Review",
    "## Run",
  ]);
  assert.match(body, /\| `test \\| @octocat <!--` \| ✅ pass \|/);
  assert.ok(body.includes(hostile.replace("Done.", "")), "the summary is shown whole");
});

test("controls and bidirectional overrides in the summary are shown as escapes", () => {
  const run = makeRun(makeTask(), 0);
  const body = buildPullRequestBody({
    taskText: "x",
    summary: "safe\r```\rcheck \u202eevil\u202c",
    run,
    now: Date.parse(run.startedAt),
  });
  assert.ok(!/[\r\u202e\u202c]/.test(body));
  assert.match(body, /safe\\u\{d\}```\\u\{d\}check \\u\{202e\}evil\\u\{202c\}/);
});
