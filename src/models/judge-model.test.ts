import assert from "node:assert/strict";
import { test } from "node:test";
import { ModelError } from "../core/errors.ts";
import { judgeModelName } from "./judge-model.ts";

test("the configured judge model wins", () => {
  assert.equal(judgeModelName("anthropic:claude-sonnet-4-5", "openai:gpt-5"), "openai:gpt-5");
});

test("without one, hosted providers judge with their cheaper model and local servers with the agent's", () => {
  assert.equal(judgeModelName("anthropic:claude-opus-4-5", undefined), "anthropic:claude-haiku-4-5");
  assert.equal(judgeModelName("openai:gpt-5", undefined), "openai:gpt-5-mini");
  assert.equal(judgeModelName("openai-compatible:qwen3", undefined), "openai-compatible:qwen3");
});

test("a malformed agent model is refused as the agent's own would be", () => {
  assert.throws(
    () => judgeModelName("gpt-5", undefined),
    (error) => ModelError.isInstance(error),
  );
});
