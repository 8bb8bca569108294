// The scripted model's turns for `slipway demo`: a short, realistic session on the example
// repository — read, a first edit that fails a test, verify, fix, verify, finish — then the judge.
import type { ModelScript } from "../models/scripted-server/script.ts";

const trimTest = `import assert from "node:assert/strict";
import { test } from "node:test";
import { slugify } from "../src/slugify.js";

test("removes dashes at both ends", () => {
  assert.equal(slugify("  Hello, World!  "), "hello-world");
});
`;

const original = 'return text.toLowerCase().replace(/[^a-z0-9]+/g, "-");';
const firstTry = 'return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/-+$/, "");';
const fixed = 'return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");';

export const demoScript: ModelScript = {
  turns: [
    {
      text: "I'll read the implementation first.",
      toolCalls: [{ name: "read_file", input: { path: "src/slugify.js" } }],
      usage: { inputTokens: 1850, outputTokens: 42 },
    },
    {
      text: "I'll strip the trailing dashes and add a test for both ends.",
      toolCalls: [
        { name: "edit_file", input: { path: "src/slugify.js", oldText: original, newText: firstTry } },
        { name: "create_file", input: { path: "test/trim.test.js", content: trimTest } },
      ],
      usage: { inputTokens: 2140, outputTokens: 260 },
    },
    {
      text: "Let me run the checks.",
      toolCalls: [{ name: "verify", input: {} }],
      usage: { inputTokens: 2480, outputTokens: 18 },
    },
    {
      text: "The leading dash is still there: the pattern must cover both ends.",
      toolCalls: [
        { name: "edit_file", input: { path: "src/slugify.js", oldText: firstTry, newText: fixed } },
      ],
      usage: { inputTokens: 2790, outputTokens: 96 },
    },
    { toolCalls: [{ name: "verify", input: {} }], usage: { inputTokens: 2950, outputTokens: 12 } },
    {
      toolCalls: [
        {
          name: "finish",
          input: {
            summary: "slugify() now strips dashes at both ends of the slug; test/trim.test.js covers it.",
          },
        },
      ],
      usage: { inputTokens: 3100, outputTokens: 40 },
    },
    {
      // The independent judge: it sees the task, the diff and the verifier summary, never the above.
      text: JSON.stringify({ verdict: "approve", in_scope: true, problems: [], confidence: 0.9 }),
      usage: { inputTokens: 1450, outputTokens: 30 },
    },
  ],
};
