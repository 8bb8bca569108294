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

  test("names a GitHub pull request #n and a GitLab merge request !n, with its link and the run", () => {
    assert.equal(
      originIssueComment("github", published, "run-1"),
      "Slipway opened #3 for this issue: https://example.test/acme/api/pull/3 (run `run-1`).",
    );
    assert.match(originIssueComment("gitlab", published, "run-1"), /^Slipway opened !3 for this issue: /);
  });
});
