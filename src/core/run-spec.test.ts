import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InputError } from "./errors.ts";
import { parseRunSpec, type RunSpecInput } from "./run-spec.ts";

const full: RunSpecInput = {
  version: 1,
  repository: "https://git.example/acme/app.git",
  baseRef: "main",
  taskText: "Add a --verbose flag",
  taskKey: "verbose-flag",
  model: "script:/tmp/turns.yaml",
  sandbox: "bwrap",
  limits: { maxTurns: 5, maxMinutes: 2, maxTokens: 1000, maxCostUsd: 0.5 },
  guardGrants: { allowedPaths: ["src/**"], allowProtected: [], allowBinary: [] },
  originIssue: 12,
  followUp: { parentRunId: "run_1", pullRequest: 3, kind: "ci", trigger: "ci:abc" },
  requestedBy: { name: "Ada", email: "ada@example.com" },
  judge: false,
};

describe("run spec", () => {
  it("survives a JSON round trip unchanged (what the store keeps is what the worker reads)", () => {
    const parsed = parseRunSpec(full);
    assert.deepEqual(parseRunSpec(JSON.parse(JSON.stringify(parsed))), parsed);
    assert.deepEqual(parsed, full);
  });

  it("fills the guard grants' defaults and keeps optional links absent", () => {
    const { guardGrants: _, originIssue: __, followUp: ___, requestedBy: ____, ...minimal } = full;
    const parsed = parseRunSpec(minimal);
    assert.deepEqual(parsed.guardGrants, { allowedPaths: [], allowProtected: [], allowBinary: [] });
    assert.equal("followUp" in parsed, false);
  });

  it("refuses a relative repository path, an unknown version and an unknown field with one InputError", () => {
    for (const bad of [
      { ...full, repository: "some/relative/dir" },
      { ...full, version: 2 },
      { ...full, extra: true },
      { ...full, taskText: "   " },
      { ...full, limits: { ...full.limits, maxTurns: 0 } },
    ]) {
      assert.throws(
        () => parseRunSpec(bad),
        (error) => error instanceof InputError && /^invalid run spec/.test(error.message),
      );
    }
  });

  it("names the bad field", () => {
    assert.throws(
      () => parseRunSpec({ ...full, model: "nocolon" }),
      /invalid run spec: model: expected provider:model/,
    );
  });
});
