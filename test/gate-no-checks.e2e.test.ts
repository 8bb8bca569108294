// End to end: the gate refuses to pass a change nothing checked. A repository with no detected or
// declared check ends the run verify_failed with the line that says how to declare checks, and
// nothing is committed; one that declares `verify.none` goes through the gate.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git, makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

const editAndFinish: ModelScript = {
  turns: [
    {
      toolCalls: [{ name: "edit_file", input: { path: "notes.md", oldText: "first", newText: "second" } }],
      usage: { inputTokens: 100, outputTokens: 10 },
    },
    {
      toolCalls: [{ name: "finish", input: { summary: "notes say second" } }],
      usage: { inputTokens: 200, outputTokens: 10 },
    },
  ],
};

async function runOn(
  files: Record<string, string>,
): Promise<{ report: Record<string, unknown>; code: number | null; repo: string }> {
  const repo = makeRepo(files);
  const setup = await setUpScriptedRun(editAndFinish, "anthropic");
  try {
    const run = await runCli(
      [...baseArgs(setup), "run", "--repo", repo, "--task", "notes say second", "--json"],
      { env: setup.env },
    );
    if (!run.stdout.trim()) throw new Error(`no report (exit ${run.code}): ${run.stderr}`);
    return { report: JSON.parse(run.stdout) as Record<string, unknown>, code: run.code, repo };
  } finally {
    await setup.server.close();
  }
}

describe("the gate with no checks", () => {
  test("refuses a change nothing checked: verify_failed, the line says how to declare checks", async () => {
    const { report, code, repo } = await runOn({ "notes.md": "first\n" });
    assert.equal(report.outcome, "verify_failed", JSON.stringify(report));
    assert.match(
      String(report.detail),
      /^no checks were detected or declared.*verify\.commands in \.slipway\.yml, or set verify\.none: true/,
    );
    assert.equal(code, 4);
    assert.equal(report.commit, undefined, "nothing may be committed");
    assert.equal(git(repo, "log", "--format=%s", "--all").split("\n").length, 1);
  });

  test("passes a repository that declares verify.none", async () => {
    const { report } = await runOn({ "notes.md": "first\n", ".slipway.yml": "verify:\n  none: true\n" });
    assert.notEqual(report.outcome, "verify_failed", JSON.stringify(report));
    assert.equal(typeof report.commit, "string", JSON.stringify(report));
    assert.doesNotMatch(String(report.detail ?? ""), /no checks were detected/);
  });
});
