// Progressive disclosure on a real repository's objects: the root file goes with the task, a nested
// AGENTS.md comes once, with the first file touched under its folder, and the trace says what was shown.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { git, makeRepo } from "../../test/helpers/git-fixture.ts";
import { discloseInstructions, openInstructions } from "./instructions-disclosure.ts";
import { nestedBudgetChars, nestedRunBudgetChars } from "./instructions-text.ts";

interface Recorded {
  type: string;
  data: Record<string, unknown>;
}

async function opened(files: Record<string, string>) {
  const repo = makeRepo({ "README.md": "fixture\n", ...files });
  const events: Recorded[] = [];
  const record = async (type: string, data: Record<string, unknown>) => {
    events.push({ type, data });
  };
  const mirrorPath = path.join(repo, ".git");
  const result = await openInstructions(mirrorPath, git(repo, "rev-parse", "HEAD"), record);
  return { ...result, events, context: { mirrorPath, record } };
}

describe("openInstructions", () => {
  test("fences the root file for the task and records it", async () => {
    const { taskGuidance, events } = await opened({ "AGENTS.md": "Run pnpm test.\n" });
    assert.match(
      taskGuidance!,
      /<repository-guidance path="AGENTS.md">\nRun pnpm test.\n<\/repository-guidance>/,
    );
    assert.deepEqual(events, [
      {
        type: "instructions-show",
        data: { path: "AGENTS.md", chars: 15, originalChars: 15, cut: false, with: "task" },
      },
    ]);
  });

  test("sends nothing and records nothing for a repository without instructions", async () => {
    const { taskGuidance, events } = await opened({});
    assert.equal(taskGuidance, undefined);
    assert.deepEqual(events, []);
  });
});

describe("discloseInstructions", () => {
  test("shows a folder's AGENTS.md once, with the first file touched under it, outermost first", async () => {
    const { state, events, context } = await opened({
      "pkg/AGENTS.md": "pkg rules\n",
      "pkg/core/AGENTS.md": "core rules\n",
      "pkg/core/x.ts": "x\n",
      "other/y.ts": "y\n",
    });
    assert.equal(await discloseInstructions(state, "other/y.ts", context), undefined);
    assert.equal(await discloseInstructions(state, "top.ts", context), undefined);
    assert.equal(events.length, 0, "nothing shown before a file under the folder is touched");

    const first = (await discloseInstructions(state, "pkg/core/x.ts", context))!;
    assert.ok(first.indexOf("pkg rules") < first.indexOf("core rules"), "outer folder first");
    assert.match(first, /path="pkg\/core\/AGENTS.md"/);
    assert.equal(await discloseInstructions(state, "pkg/core/x.ts", context), undefined);
    assert.equal(await discloseInstructions(state, "pkg/other.ts", context), undefined);
    assert.deepEqual(
      events.map((event) => [event.type, event.data.path, event.data.with]),
      [
        ["instructions-show", "pkg/AGENTS.md", "pkg/core/x.ts"],
        ["instructions-show", "pkg/core/AGENTS.md", "pkg/core/x.ts"],
      ],
    );
  });

  test("names a folder's file instead of showing it once the run's budget is spent", async () => {
    const files: Record<string, string> = {};
    const count = Math.ceil(nestedRunBudgetChars / nestedBudgetChars) + 1;
    for (let index = 0; index < count; index++)
      files[`f${index}/AGENTS.md`] = `${"r".repeat(nestedBudgetChars)}\n`;
    const { state, events, context } = await opened(files);
    const texts: string[] = [];
    for (let index = 0; index < count; index++) {
      texts.push((await discloseInstructions(state, `f${index}/a.ts`, context)) ?? "");
    }
    assert.ok(state.shownChars <= nestedRunBudgetChars);
    assert.match(texts.at(-1)!, /budget for guidance is spent/);
    assert.doesNotMatch(texts.at(-1)!, /rrrr/);
    assert.equal(events.at(-1)?.data.chars, 0);
  });
});
