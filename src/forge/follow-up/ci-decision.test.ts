import assert from "node:assert/strict";
import { test } from "node:test";
import type { CheckResult } from "../forge.ts";
import { type CiFacts, decideCi } from "./ci-decision.ts";

const check = (name: string, state: CheckResult["state"]): CheckResult => ({ name, state });
const facts = (overrides: Partial<CiFacts>): CiFacts => ({
  headChecks: [],
  followUps: 0,
  maxFollowUps: 2,
  headAlreadyClaimed: false,
  ...overrides,
});

test("pending checks mean wait; all green means passed; none means no_checks", () => {
  assert.deepEqual(decideCi(facts({ headChecks: [check("test", "pending"), check("lint", "failure")] })), {
    kind: "wait",
    pending: ["test"],
  });
  assert.equal(decideCi(facts({ headChecks: [check("test", "success")] })).kind, "passed");
  assert.equal(decideCi(facts({})).kind, "no_checks");
});

test("a failure this change caused starts one follow-up with only that check", () => {
  const decision = decideCi(
    facts({
      headChecks: [check("test", "failure"), check("lint", "failure")],
      baseChecks: [check("lint", "failure"), check("test", "success")],
    }),
  );
  assert.equal(decision.kind, "follow_up");
  assert.deepEqual(decision.kind === "follow_up" && decision.failing.map((each) => each.name), ["test"]);
});

test("failures that also fail on the base are reported, not fixed", () => {
  const decision = decideCi(
    facts({ headChecks: [check("lint", "failure")], baseChecks: [check("lint", "failure")] }),
  );
  assert.deepEqual(decision, { kind: "base_also_fails", failing: ["lint"] });
});

test("the follow-up limit and an already claimed head commit each stop a new follow-up", () => {
  const failing = [check("test", "failure")];
  assert.equal(decideCi(facts({ headChecks: failing, followUps: 2 })).kind, "limit_reached");
  assert.equal(
    decideCi(facts({ headChecks: failing, headAlreadyClaimed: true })).kind,
    "already_followed_up",
  );
  assert.equal(decideCi(facts({ headChecks: failing, followUps: 1 })).kind, "follow_up");
});
