// End to end: every event a real run records parses with the run event union, field for field (a
// new event type or field without a schema fails here), and `slipway show` prints a row no schema
// accepts as unknown with its raw type instead of failing. The run is `slipway demo`: the whole
// pipeline (setup, agent, gate, guards, judge, commit, publish) with the bundled scripted model.
import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { RunEventBody } from "../src/core/events/run-events.ts";
import type { RunEvent } from "../src/core/run.ts";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { tempDir } from "./helpers/git-fixture.ts";

describe("run events of a real run", () => {
  const dataDir = tempDir("events");
  const env = cliEnv({});
  let runId = "";
  let events: RunEvent[] = [];

  before(async () => {
    const demo = await runCli(["--data-dir", dataDir, "demo", "--json"], { env, timeoutMs: 180_000 });
    assert.equal(demo.code, 0, demo.stderr);
    runId = (JSON.parse(demo.stdout) as { runId: string }).runId;
    const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
    try {
      events = await store.listEvents(runId);
    } finally {
      await store.close();
    }
  });

  test("every recorded event parses with the union and keeps every field it was recorded with", () => {
    assert.ok(events.length > 20, `only ${events.length} events`);
    const problems: string[] = [];
    for (const event of events) {
      const parsed = RunEventBody.safeParse({ type: event.type, data: event.data });
      if (!parsed.success) problems.push(`${event.type}: ${parsed.error.issues[0]?.message}`);
      else if (!isDeepStrictEqual(parsed.data.data, event.data))
        problems.push(`${event.type}: a field has no schema (${JSON.stringify(event.data).slice(0, 200)})`);
    }
    assert.deepEqual(problems, []);
    const types = new Set(events.map((event) => event.type));
    for (const type of [
      "run-start",
      "setup-end",
      "model-response",
      "verify-end",
      "judge-end",
      "pr-open",
      "run-end",
    ])
      assert.ok(types.has(type), `the demo recorded no ${type}`);
  });

  test("show prints a row no schema accepts with its raw type, and the rows after it", async () => {
    const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
    try {
      const at = new Date().toISOString();
      await store.appendEvent({ runId, at, type: "tool-result", stage: "done", data: { isError: "no" } });
      await store.appendEvent({ runId, at, type: "step-legacy", stage: "done", data: { note: "old" } });
      await store.appendEvent({
        runId,
        at,
        type: "forge-warning",
        stage: "done",
        data: { message: "after" },
      });
    } finally {
      await store.close();
    }
    const show = await runCli(["--data-dir", dataDir, "show", runId], { env });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /done {6}tool-result \(unknown\)\n {4}\(not a known event: data\.id: /);
    assert.match(
      show.stdout,
      /step-legacy \(unknown\)\n {4}\(not a known event: [^\n]+\n {4}\{"note":"old"\}/,
    );
    assert.match(show.stdout, /forge-warning\n {4}\{"message":"after"\}/);
  });
});
