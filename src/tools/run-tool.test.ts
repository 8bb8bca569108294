// runTool: argument validation, thrown-error handling and head-and-tail truncation.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { readFileTool } from "./read-file.ts";
import { truncateOutput } from "./run-tool.ts";
import { defineTool, ok } from "./tool.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";
import { verifyTool } from "./verify.ts";

const echoTool = defineTool({
  name: "echo",
  description: "test tool",
  inputSchema: z.object({ text: z.string() }),
  async run(input) {
    return ok(input.text);
  },
});

function throwingTool(error: unknown) {
  return defineTool({
    name: "thrower",
    description: "test tool",
    inputSchema: z.object({}),
    async run() {
      throw error;
    },
  });
}

describe("runTool", () => {
  let fixture: ToolFixture;
  before(async () => {
    fixture = await createToolFixture();
  });
  after(() => fixture.dispose());

  test("rejects wrong input types in one line naming each bad field", async () => {
    const result = await fixture.call(readFileTool, { path: 3, startLine: "ten" });
    assert.deepEqual(result, {
      text: "invalid arguments for read_file: path: expected string, received number; startLine: expected number, received string; fix them and call read_file again",
      isError: true,
    });
  });

  test("names a missing required field and an out-of-range number", async () => {
    const missing = await fixture.call(readFileTool, {});
    assert.equal(
      missing.text,
      "invalid arguments for read_file: path: expected string, received undefined; fix them and call read_file again",
    );
    const small = await fixture.call(readFileTool, { path: "a.txt", startLine: 0 });
    assert.match(
      small.text,
      /^invalid arguments for read_file: startLine: Too small: expected number to be >=1;/,
    );
  });

  test("rejects arguments that are not an object", async () => {
    const result = await fixture.call(readFileTool, "a.txt");
    assert.equal(result.isError, true);
    assert.match(
      result.text,
      /^invalid arguments for read_file: arguments: expected object, received string;/,
    );
  });

  test("treats missing arguments as an empty object for a tool that takes none", async () => {
    const result = await fixture.call(verifyTool, undefined);
    assert.deepEqual(result, { text: "verify: all checks passed", isError: false });
  });

  test("turns a thrown SlipwayError into its message", async () => {
    const result = await fixture.call(throwingTool(new InputError("use a relative path")), {});
    assert.deepEqual(result, { text: "use a relative path", isError: true });
  });

  test("turns any other thrown error into an internal error naming the tool", async () => {
    const result = await fixture.call(throwingTool(new TypeError("x is not a function")), {});
    assert.deepEqual(result, { text: "internal error in thrower: x is not a function", isError: true });
  });

  test("leaves output within the limit untouched", async () => {
    const result = await fixture.call(echoTool, { text: "short" }, 5);
    assert.deepEqual(result, { text: "short", isError: false });
  });

  test("cuts long output to its head and tail with the exact number of characters cut", async () => {
    const text = "a".repeat(500) + "b".repeat(500);
    const result = await fixture.call(echoTool, { text }, 200);
    assert.equal(result.text, `${"a".repeat(80)}\n[… 840 characters cut …]\n${"b".repeat(80)}`);
    assert.ok(result.text.length <= 200);
  });
});

describe("truncateOutput", () => {
  test("formats the cut count with thousands separators", () => {
    const cut = truncateOutput("x".repeat(20_000), 1_000);
    assert.match(cut, /\n\[… 19,040 characters cut …\]\n/);
  });

  test("cuts at line boundaries when one is near, and the note counts exactly what is missing", () => {
    const text = Array.from({ length: 400 }, (_, index) => `log line ${String(index).padStart(3, "0")}`).join(
      "\n",
    );
    const cut = truncateOutput(text, 600);
    const match = /^([\s\S]*?\n)\[… ([\d,]+) characters cut …\]\n([\s\S]*)$/.exec(cut);
    assert.ok(match, cut);
    const [, head = "", count = "", tail = ""] = match;
    assert.ok(head.endsWith("\n") && text.startsWith(head));
    assert.ok(tail.startsWith("log line") && text.endsWith(tail));
    assert.equal(head.length + Number(count.replaceAll(",", "")) + tail.length, text.length);
    assert.ok(cut.length <= 600);
  });
});
