// The scripted provider: a real loopback server behind the real Anthropic client, closed on request.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { generateText } from "ai";
import { SlipwayConfig } from "../config/config-schema.ts";
import { InputError } from "../core/errors.ts";
import type { RunEvent } from "../core/run.ts";
import { makeRun, makeTask } from "../store/store-fixtures.ts";
import { type ScriptedProvider, scriptedModelKind, startScriptedProvider } from "./scripted-provider.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-scripted-provider-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const noRuns = async () => undefined;

function ask(provider: ScriptedProvider) {
  return generateText({ model: provider.model, prompt: "hello", maxRetries: 0, timeout: 10_000 });
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => assert.fail("expected an InputError"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof InputError, String(error));
  return error;
}

function recordedRun(events: { type: string; data: Record<string, unknown> }[]) {
  const run = makeRun(makeTask(), 0, { id: "run_recorded", model: "anthropic:claude-sonnet-4-5" });
  const trace = events.map(
    (event, index): RunEvent => ({ runId: run.id, seq: index + 1, at: "", stage: "agent", ...event }),
  );
  return async () => ({ run, events: trace });
}

describe("startScriptedProvider", () => {
  test("answers through the Anthropic client from a script file, and stops answering once closed", async () => {
    const file = path.join(dir, "hello.yaml");
    writeFileSync(file, "- text: hi from the script\n  usage: { inputTokens: 3, outputTokens: 2 }\n");
    const config = SlipwayConfig.parse({ judge: { enabled: false } });
    const provider = await startScriptedProvider(`script:${file}`, { config, loadRun: noRuns });
    try {
      assert.equal(provider.modelName, `script:${file}`);
      assert.equal(provider.judge, undefined);
      const answer = await ask(provider);
      assert.equal(answer.text, "hi from the script");
      assert.equal(answer.usage.inputTokens, 3);
    } finally {
      await provider.close();
    }
    await assert.rejects(ask(provider), /Cannot connect|ECONNREFUSED|fetch failed/);
  });

  test("a replay answers with the recorded judge's turns only when the judge is on", async () => {
    const loadRun = recordedRun([
      { type: "run-start", data: { judge: "anthropic:claude-haiku-4-5" } },
      {
        type: "model-response",
        data: {
          text: "agent",
          toolCalls: [],
          finishReason: "stop",
          usage: { inputTokens: 1, outputTokens: 1 },
        },
      },
      { type: "judge-answer", data: { text: "judge", usage: { inputTokens: 1, outputTokens: 1 } } },
    ]);
    for (const enabled of [true, false]) {
      const config = SlipwayConfig.parse({ judge: { enabled } });
      const provider = await startScriptedProvider("replay:run_rec", { config, loadRun });
      try {
        assert.equal(provider.modelName, "replay:run_recorded");
        assert.deepEqual(provider.price, { inputPerMillion: 3, outputPerMillion: 15 });
        assert.equal(provider.judge?.price?.inputPerMillion, enabled ? 1 : undefined);
        assert.equal((await ask(provider)).text, "agent");
        if (enabled) assert.equal((await ask(provider)).text, "judge");
        else await assert.rejects(ask(provider), /script exhausted after 1 turns/);
      } finally {
        await provider.close();
      }
    }
  });

  test("refuses an unknown run and empty references before starting anything", async () => {
    const config = SlipwayConfig.parse({});
    const unknown = await inputError(startScriptedProvider("replay:run_nope", { config, loadRun: noRuns }));
    assert.equal(unknown.code, "not_found");
    assert.match(unknown.message, /no run run_nope to replay/);
    await inputError(startScriptedProvider("replay:", { config, loadRun: noRuns }));
    await inputError(startScriptedProvider("script:", { config, loadRun: noRuns }));
  });
});

describe("scriptedModelKind", () => {
  test("names script: and replay: references and nothing else", () => {
    assert.equal(scriptedModelKind("script:a.yaml"), "script");
    assert.equal(scriptedModelKind("replay:run_1"), "replay");
    assert.equal(scriptedModelKind("anthropic:claude-sonnet-4-5"), undefined);
    assert.equal(scriptedModelKind(undefined), undefined);
  });
});
