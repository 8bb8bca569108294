// What to do about a pull request's CI, decided from facts only: its head's checks, the base's
// checks and how many follow-ups it had. Pure, so every rule (bounded, no duplicates, failures
// that also fail on the base are reported, not "fixed") is tested on its own.
import type { CheckResult } from "../forge.ts";

export type CiDecision =
  | { kind: "wait"; pending: string[] }
  | { kind: "passed" }
  | { kind: "no_checks" }
  | { kind: "base_also_fails"; failing: string[] }
  | { kind: "limit_reached"; failing: string[]; followUps: number }
  | { kind: "already_followed_up"; failing: string[] }
  | { kind: "follow_up"; failing: CheckResult[] };

export interface CiFacts {
  headChecks: readonly CheckResult[];
  /** Checks of the base commit, by name; undefined when not fetched. */
  baseChecks?: readonly CheckResult[];
  /** CI follow-ups this pull request already had. */
  followUps: number;
  maxFollowUps: number;
  /** True when a follow-up was already started for this head commit. */
  headAlreadyClaimed: boolean;
}

export function decideCi(facts: CiFacts): CiDecision {
  if (facts.headChecks.length === 0) return { kind: "no_checks" };
  const pending = facts.headChecks.filter((check) => check.state === "pending");
  if (pending.length > 0) return { kind: "wait", pending: pending.map((check) => check.name) };
  const failing = facts.headChecks.filter((check) => check.state === "failure");
  if (failing.length === 0) return { kind: "passed" };
  const names = failing.map((check) => check.name);
  const failingOnBase = new Set(
    (facts.baseChecks ?? []).filter((check) => check.state === "failure").map((check) => check.name),
  );
  // Only what this change broke is the agent's to fix; a red base is a person's problem.
  const ours = failing.filter((check) => !failingOnBase.has(check.name));
  if (ours.length === 0) return { kind: "base_also_fails", failing: names };
  if (facts.headAlreadyClaimed) return { kind: "already_followed_up", failing: names };
  if (facts.followUps >= facts.maxFollowUps) {
    return { kind: "limit_reached", failing: names, followUps: facts.followUps };
  }
  return { kind: "follow_up", failing: ours };
}
