// Loading and validating model scripts from YAML and JSON files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ConfigError } from "../../core/errors.ts";
import { loadModelScript, parseModelScript } from "./script.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-model-script-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function loadError(file: string): Promise<ConfigError> {
  const error = await loadModelScript(file).then(
    () => assert.fail(`expected ${file} to be refused`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
  assert.doesNotMatch(error.message, /\n/);
  return error;
}

describe("loadModelScript", () => {
  test("loads a YAML script with text, tool calls, usage, errors, delays and finish reasons", async () => {
    const file = write(
      "script.yaml",
      [
        "turns:",
        "  - text: Reading.",
        "    toolCalls:",
        "      - name: read_file",
        "        input: { path: src/a.ts }",
        "      - { id: call-2, name: read_file, rawInput: '{\"path\": ' }",
        "    usage: { inputTokens: 100, outputTokens: 7 }",
        "  - error: { status: 429, retryAfterSeconds: 1 }",
        "    delayMs: 50",
        "  - text: cut short",
        "    finishReason: length",
      ].join("\n"),
    );
    const script = await loadModelScript(file);
    assert.equal(script.turns.length, 3);
    assert.deepEqual(script.turns[0]?.toolCalls, [
      { name: "read_file", input: { path: "src/a.ts" } },
      { id: "call-2", name: "read_file", rawInput: '{"path": ' },
    ]);
    assert.deepEqual(script.turns[0]?.usage, { inputTokens: 100, outputTokens: 7 });
    assert.deepEqual(script.turns[1], { error: { status: 429, retryAfterSeconds: 1 }, delayMs: 50 });
    assert.equal(script.turns[2]?.finishReason, "length");
  });

  test("loads a JSON script written as a bare list of turns", async () => {
    const file = write("bare.json", JSON.stringify([{ text: "one" }, { text: "two" }]));
    assert.deepEqual(await loadModelScript(file), { turns: [{ text: "one" }, { text: "two" }] });
  });

  test("names the file and the misspelled key", async () => {
    const file = write("typo.yaml", "turns:\n  - text: hi\n    toolcalls: []\n");
    const error = await loadError(file);
    assert.match(error.message, new RegExp(`${file.replaceAll(/[.\\/]/g, "\\$&")}.*turns\\.0\\.toolcalls`));
  });

  test("names the path of a value of the wrong type", async () => {
    const error = await loadError(
      write("usage.yaml", "turns:\n  - usage: { inputTokens: many, outputTokens: 1 }\n"),
    );
    assert.match(error.message, /usage\.yaml.*turns\.0\.usage\.inputTokens/);
  });

  test("refuses a tool call with both input and rawInput", async () => {
    const error = await loadError(
      write("both.json", JSON.stringify([{ toolCalls: [{ name: "x", input: {}, rawInput: "{}" }] }])),
    );
    assert.match(error.message, /turns\.0\.toolCalls\.0: set input or rawInput, not both/);
  });

  test("refuses an error turn that also has text", async () => {
    const error = await loadError(
      write("mixed.json", JSON.stringify([{ text: "hi", error: { status: 500 } }])),
    );
    assert.match(error.message, /an error turn cannot also have text or toolCalls/);
  });

  test("refuses a delay over 60 seconds", async () => {
    const error = await loadError(write("slow.json", JSON.stringify([{ text: "hi", delayMs: 60_001 }])));
    assert.match(error.message, /turns\.0\.delayMs/);
  });

  test("refuses a file that does not parse, naming it", async () => {
    const error = await loadError(write("broken.json", "{ turns: "));
    assert.match(error.message, /broken\.json does not parse/);
  });

  test("refuses an extension other than .yaml, .yml or .json", async () => {
    const error = await loadError(write("script.txt", "turns: []"));
    assert.match(error.message, /script\.txt must end in \.yaml, \.yml or \.json/);
  });

  test("refuses a missing file, naming it", async () => {
    const error = await loadError(path.join(dir, "missing.yaml"));
    assert.match(error.message, /cannot read model script .*missing\.yaml/);
  });
});

describe("parseModelScript", () => {
  test("names the source of an in-memory script in its error", () => {
    assert.throws(
      () => parseModelScript({ turns: "none" }, "the demo script"),
      /invalid model script the demo script: turns:/,
    );
  });
});
