// verify and finish: the two tools that hand control back to the platform.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { finishTool } from "./finish.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";
import { verifyTool } from "./verify.ts";

describe("verify and finish", () => {
  let fixture: ToolFixture;
  let verifySignal: AbortSignal | undefined;
  before(async () => {
    fixture = await createToolFixture({
      verify: async (signal) => {
        verifySignal = signal;
        return "1 failing test: slugify trims spaces";
      },
    });
  });
  after(() => fixture.dispose());

  test("verify returns the context's verify summary, passing the run's signal", async () => {
    const result = await fixture.call(verifyTool, {});
    assert.deepEqual(result, { text: "1 failing test: slugify trims spaces", isError: false });
    assert.equal(verifySignal, fixture.context.signal);
  });

  test("finish returns the summary as a finish request", async () => {
    const result = await fixture.call(finishTool, { summary: "Made slugify trim spaces." });
    assert.deepEqual(result.finish, { summary: "Made slugify trim spaces." });
    assert.equal(result.isError, false);
  });

  test("finish refuses an empty summary", async () => {
    const result = await fixture.call(finishTool, { summary: "" });
    assert.equal(result.isError, true);
    assert.equal(result.finish, undefined);
    assert.match(result.text, /^invalid arguments for finish: summary: /);
  });
});
