// The store's record of follow-up runs on a pull request. A follow-up is claimed by its trigger
// (`ci:<head sha>`, `comment:<id>`, `report:<head sha>`) before anything runs: the claim is one
// insert under a unique key, so two watchers racing on the same trigger start one run, not two.
import type { PullRequestKey } from "./pull-request-store.ts";

export const followUpKinds = ["ci", "review", "report"] as const;
export type FollowUpKind = (typeof followUpKinds)[number];

export interface FollowUpClaim extends PullRequestKey {
  /** What caused it; unique per pull request. */
  trigger: string;
  kind: FollowUpKind;
}

export interface FollowUpStore {
  /** True when this call claimed the trigger; false when it was claimed before (by anyone). */
  claimFollowUp(claim: FollowUpClaim): Promise<boolean>;
  /** Link the run a claimed follow-up started. */
  attachFollowUpRun(key: PullRequestKey, trigger: string, runId: string): Promise<void>;
  /** How many follow-ups of `kind` the pull request had. */
  countFollowUps(key: PullRequestKey, kind: FollowUpKind): Promise<number>;
}
