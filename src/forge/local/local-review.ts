// What a person does to a local review request: find it, approve it, close it. Slipway never
// merges; an approval is for the head it was given on (a new push withdraws it, see LocalForge).
import { InputError } from "../../core/errors.ts";
import type { PullRequestRecord } from "../../store/pull-request-store.ts";
import type { Store } from "../../store/store.ts";
import { localForgeName } from "./local-forge.ts";

/** The local review request `number` (numbers are unique across the local forge's remotes). */
export async function findLocalReview(store: Store, number: number): Promise<PullRequestRecord> {
  const [record] = await store.listPullRequests({ forge: localForgeName, number, limit: 1 });
  if (!record) {
    throw new InputError(`no review request #${number} in the local forge: see \`slipway pr list\``, {
      code: "not_found",
      details: { number },
    });
  }
  return record;
}

/** Approve an open review request; approving it again changes nothing. A closed one is refused. */
export async function approveLocalReview(store: Store, number: number): Promise<PullRequestRecord> {
  const record = await findLocalReview(store, number);
  if (record.state !== "open") {
    throw new InputError(`review request #${number} is ${record.state}: only an open one can be approved`, {
      details: { number, state: record.state },
    });
  }
  if (record.reviewState === "approved") return record;
  return store.updatePullRequest(record, { reviewState: "approved" });
}

/** Close a review request: Slipway will not reopen it, and a re-run of its task stops at publish. */
export async function closeLocalReview(store: Store, number: number): Promise<PullRequestRecord> {
  const record = await findLocalReview(store, number);
  if (record.state !== "open") return record;
  return store.updatePullRequest(record, { state: "closed", reviewState: "closed" });
}
