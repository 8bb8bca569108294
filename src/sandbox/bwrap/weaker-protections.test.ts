// The one line a bwrap sandbox refuses to start with when this host lacks a protection the
// configuration does not accept (sandbox.acceptWeaker).
import assert from "node:assert/strict";
import { test } from "node:test";
import { weakerProtectionRefusal } from "./weaker-protections.ts";

test("nothing missing, or everything missing accepted: no refusal", () => {
  assert.equal(weakerProtectionRefusal([], []), undefined);
  assert.equal(weakerProtectionRefusal(["memory-cgroup"], ["memory-cgroup", "kill-cgroup"]), undefined);
});

test("a missing protection not accepted is refused in one line naming it and the setting that accepts it", () => {
  const refusal = weakerProtectionRefusal(["memory-cgroup", "kill-cgroup"], ["memory-cgroup"]) ?? "";
  assert.doesNotMatch(refusal, /\n/);
  assert.match(refusal, /cannot give the bwrap sandbox kill-cgroup \(/);
  assert.doesNotMatch(refusal, /sandbox memory-cgroup/, "an accepted protection is not refused");
  assert.match(refusal, /sandbox\.acceptWeaker: \["memory-cgroup","kill-cgroup"\]$/);
});
