// A store that failed its integrity check at open: every read goes through (read commands skip
// rows they cannot parse), every write is refused with StoreDamagedError so nothing is added to a
// damaged file.
import type { Store } from "./store.ts";
import { StoreDamagedError } from "./store-errors.ts";

type WriteMethod =
  | "createTask"
  | "createRun"
  | "updateRun"
  | "appendEvent"
  | "createPullRequest"
  | "savePullRequest"
  | "updatePullRequest"
  | "addPullRequestComment"
  | "recordBranchPush"
  | "claimFollowUp"
  | "attachFollowUpRun"
  | "enqueueRun"
  | "claimRun"
  | "holdRun"
  | "renewLease"
  | "releaseRun"
  | "expireLeases"
  | "requestCancel"
  | "recordSpend";

/** Every Store method is either a read (delegated) or a write (refused): a new method must be sorted. */
type ReadMethod = Exclude<keyof Store, WriteMethod>;

const writeMethods: Record<WriteMethod, true> = {
  createTask: true,
  createRun: true,
  updateRun: true,
  appendEvent: true,
  createPullRequest: true,
  savePullRequest: true,
  updatePullRequest: true,
  addPullRequestComment: true,
  recordBranchPush: true,
  claimFollowUp: true,
  attachFollowUpRun: true,
  enqueueRun: true,
  claimRun: true,
  holdRun: true,
  renewLease: true,
  releaseRun: true,
  expireLeases: true,
  requestCancel: true,
  recordSpend: true,
};

const readMethods: Record<ReadMethod, true> = {
  getTask: true,
  getRun: true,
  listRuns: true,
  countRuns: true,
  listUnfinishedRuns: true,
  findRunByCommit: true,
  listEvents: true,
  close: true,
  getPullRequest: true,
  listPullRequests: true,
  listPullRequestComments: true,
  lastBranchPush: true,
  countFollowUps: true,
  cancelRequested: true,
  listEventsAfter: true,
  spendByRepository: true,
};

/**
 * `store` with its writes refused: each write rejects with StoreDamagedError saying what is wrong
 * with `location` (`problem`, from the integrity check) and what to do.
 */
export function refuseWrites(store: Store, location: string, problem: string): Store {
  const refused = (name: string) => () =>
    Promise.reject(
      new StoreDamagedError(
        `${location} failed its integrity check (${problem}): Slipway only reads it now and refused to ${name}; back it up, then recover it (sqlite3 ${location} .recover) or choose another data directory`,
        { details: { location, problem, refused: name } },
      ),
    );
  const wrapped: Record<string, unknown> = {};
  for (const name of Object.keys(readMethods) as ReadMethod[]) {
    const method = store[name] as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => method.apply(store, args);
  }
  for (const name of Object.keys(writeMethods)) wrapped[name] = refused(name);
  return wrapped as unknown as Store;
}
