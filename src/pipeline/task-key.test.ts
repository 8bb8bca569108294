import assert from "node:assert/strict";
import { test } from "node:test";
import { branchForTaskKey, deriveTaskKey, validateTaskKey } from "./task-key.ts";

test("the same task on the same repository and base gets the same key, whatever its whitespace", () => {
  const key = deriveTaskKey("/repos/a", "main", "Fix the parser.\n\nTests pass.");
  assert.match(key, /^[0-9a-f]{12}$/);
  assert.equal(deriveTaskKey("/repos/a", "main", "  Fix the parser.\r\n  Tests   pass.\n"), key);
});

test("another repository, base ref or task text gets another key", () => {
  const key = deriveTaskKey("/repos/a", "main", "Fix the parser.");
  assert.notEqual(deriveTaskKey("/repos/b", "main", "Fix the parser."), key);
  assert.notEqual(deriveTaskKey("/repos/a", "develop", "Fix the parser."), key);
  assert.notEqual(deriveTaskKey("/repos/a", "main", "Fix the lexer."), key);
});

test("an explicit key is kept when it can name a branch and refused otherwise", () => {
  assert.equal(validateTaskKey("JIRA-123"), "JIRA-123");
  assert.equal(branchForTaskKey("JIRA-123"), "slipway/JIRA-123");
  for (const bad of ["", "-x", "a/b", "a..b", "x.lock", "has space", "ü", "x".repeat(65)]) {
    assert.throws(() => validateTaskKey(bad), /cannot name a branch/, bad);
  }
});
