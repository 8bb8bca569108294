// The publish stage's pure steps: how the issue a task came from is told about its pull request.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { originIssueComment } from "./publish-steps.ts";

describe("originIssueComment", () => {
  const published = {
    forge: "github",
    repository: "acme/api",
    number: 3,
    url: "https://example.test/acme/api/pull/3",
    state: "open",
    action: "opened",
  } as const;

  test("names the pull request as the forge refers to it, with its link and the run", () => {
    assert.equal(
      originIssueComment("!3", published, "run-1"),
      "Slipway opened !3 for this issue: https://example.test/acme/api/pull/3 (run `run-1`).",
    );
  });
});
