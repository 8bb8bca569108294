// The local forge: no hosting service. Branches are pushed into a local git repository (a bare
// repository or the source checkout itself) and review requests are records in Slipway's store,
// reviewed with `slipway pr list|show|approve|close`. It has no CI.
import { pathToFileURL } from "node:url";
import { ForgeError } from "../../core/errors.ts";
import type { PullRequestKey, PullRequestRecord } from "../../store/pull-request-store.ts";
import type { Store } from "../../store/store.ts";
import { isGitUrl } from "../../workspace/repo-source.ts";
import {
  type CheckResult,
  type Forge,
  type ForgeAccount,
  type ForgeFactory,
  markSlipwayComment,
  type PullRequest,
  type PullRequestComment,
  type PullRequestDraft,
  type PushRequest,
} from "../forge.ts";
import { redactUrl } from "../repository-url.ts";
import { type LocalRemote, localBranchSha, openLocalRemote, pushToLocalRemote } from "./local-remote.ts";

export const localForgeName = "local";
/** The author of Slipway's own comments on a local review: `[` is in no login name, so no person is it. */
export const localSlipwayAuthor = "slipway[bot]";

/** The forge-facing part of a stored record. */
function toPullRequest(record: PullRequestRecord): PullRequest {
  const { forge, number, url, head, base, headSha, state, title } = record;
  return { forge, number, url, head, base, headSha, state, title };
}

export class LocalForge implements Forge {
  readonly name = localForgeName;
  readonly repository: string;
  readonly #remote: LocalRemote;
  readonly #store: Store;

  constructor(remote: LocalRemote, store: Store) {
    this.#remote = remote;
    this.#store = store;
    this.repository = remote.path;
  }

  pullRequestReference(number: number): string {
    return `#${number}`;
  }

  #key(number: number): PullRequestKey {
    return { forge: this.name, repository: this.repository, number };
  }

  async #record(number: number): Promise<PullRequestRecord> {
    const record = await this.#store.getPullRequest(this.#key(number));
    if (!record) {
      throw new ForgeError(`the local forge has no review request #${number} for ${this.repository}`, {
        details: { number, repository: this.repository },
      });
    }
    return record;
  }

  push(request: PushRequest): Promise<void> {
    return pushToLocalRemote(this.#remote, request);
  }

  remoteBranchSha(branch: string, signal: AbortSignal): Promise<string | null> {
    return localBranchSha(this.#remote, branch, signal);
  }

  async findPullRequest(head: string, _signal?: AbortSignal): Promise<PullRequest | undefined> {
    const [newest] = await this.#store.listPullRequests({
      forge: this.name,
      repository: this.repository,
      head,
      limit: 1,
    });
    return newest ? toPullRequest(newest) : undefined;
  }

  async createPullRequest(draft: PullRequestDraft, signal: AbortSignal): Promise<PullRequest> {
    const headSha = await this.remoteBranchSha(draft.head, signal);
    if (!headSha) {
      throw new ForgeError(
        `branch ${draft.head} is not in ${this.repository}: push it before opening a review`,
        {
          details: { head: draft.head, repository: this.repository },
        },
      );
    }
    // Drafts, labels and reviewers have no meaning without a hosting service; a local review is open.
    const record = await this.#store.createPullRequest({
      forge: this.name,
      repository: this.repository,
      url: `${pathToFileURL(this.repository).href}#${draft.head}`,
      head: draft.head,
      base: draft.base,
      headSha,
      state: "open",
      reviewState: "open",
      title: draft.title,
      body: draft.body,
    });
    return toPullRequest(record);
  }

  /** A new head withdraws an approval: it was given to the commit the reviewer read. */
  async updatePullRequest(
    number: number,
    update: { title: string; body: string },
    signal: AbortSignal,
  ): Promise<PullRequest> {
    const current = await this.#record(number);
    if (current.state !== "open") {
      throw new ForgeError(
        `review request #${number} was closed by a person; Slipway does not reopen it (see \`slipway pr show ${number}\`)`,
        { code: "pull_request_closed", details: { number, repository: this.repository } },
      );
    }
    const headSha = (await this.remoteBranchSha(current.head, signal)) ?? current.headSha;
    const reviewState =
      current.reviewState === "approved" && headSha !== current.headSha ? "open" : current.reviewState;
    const record = await this.#store.updatePullRequest(this.#key(number), {
      ...update,
      headSha,
      reviewState,
    });
    return toPullRequest(record);
  }

  async checks(_sha: string, _signal?: AbortSignal): Promise<CheckResult[]> {
    // A local remote runs no CI: there is never a check to wait for.
    return [];
  }

  async checkLog(check: CheckResult, _signal?: AbortSignal): Promise<string> {
    throw new ForgeError(`the local forge runs no CI, so it has no log for check ${check.name}`, {
      details: { check: check.name },
    });
  }

  async comments(number: number, _signal?: AbortSignal): Promise<PullRequestComment[]> {
    await this.#record(number);
    return this.#store.listPullRequestComments(this.#key(number));
  }

  async comment(number: number, body: string, _signal?: AbortSignal): Promise<void> {
    await this.#store.addPullRequestComment(this.#key(number), {
      author: localSlipwayAuthor,
      body: markSlipwayComment(body),
    });
  }

  async selfAccount(_signal?: AbortSignal): Promise<ForgeAccount> {
    return { login: localSlipwayAuthor };
  }

  /**
   * A local review's comments are written with `slipway pr comment` by someone who can run Slipway
   * on this machine and its data directory: the operator, with every right already.
   */
  async hasWriteAccess(_account: ForgeAccount, _signal?: AbortSignal): Promise<boolean> {
    return true;
  }
}

/** The local forge for `remote` (a path); throws ForgeError `forge_not_configured` when it is no repository. */
export async function openLocalForge(
  remote: string,
  store: Store,
  signal?: AbortSignal,
): Promise<LocalForge> {
  return new LocalForge(await openLocalRemote(remote, signal), store);
}

/**
 * The local forge's factory: pushes to `forge.remote`, or by default to the source repository itself
 * (so the branch appears where the user works). A repository given by URL needs `forge.remote`.
 */
export const createLocalForge: ForgeFactory = async ({ settings, source, store, signal }) => {
  const remote = settings.remote ?? (isGitUrl(source) ? undefined : source);
  if (!remote) {
    throw new ForgeError(
      `the local forge has nowhere to push ${redactUrl(source)}: set forge.remote to a local repository (e.g. a bare one), or forge.type to github or gitlab`,
      { code: "forge_not_configured", details: { source: redactUrl(source) } },
    );
  }
  return openLocalForge(remote, store, signal);
};
