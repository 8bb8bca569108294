// Intake's check that a run's base ref exists in its repository, made without a mirror, a store or
// anything else left behind: the refs are listed with `git ls-remote`, and a full commit id that no
// ref names is fetched (one commit, shallow) into a temporary repository deleted after.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InputError } from "../core/errors.ts";
import { GitCommandError, runGit } from "../workspace/git.ts";
import type { ListedRefs } from "../workspace/mirror-current.ts";

/** As the mirror is cloned: the source's own upload-pack setting is never used. */
const uploadPack = "--upload-pack=git-upload-pack";
const listTimeoutMs = 60_000;
/** Branch names shown when the base is unknown. */
const branchesShown = 8;

/** `git ls-remote` output as ref name → commit id. */
export function parseRemoteRefs(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of output.split("\n")) {
    const match = /^([0-9a-f]{40,64})\t(\S+)$/.exec(line.trim());
    if (match) refs.set(match[2]!, match[1]!);
  }
  return refs;
}

/** True when `wanted` names one of `refs` the way resolveBaseRef reads it (`origin/x` is `x`). */
export function namesListedRef(refs: ReadonlyMap<string, string>, wanted: string): boolean {
  const name = wanted.startsWith("origin/") ? wanted.slice("origin/".length) : wanted;
  const candidates = [wanted, name, `refs/heads/${name}`, `refs/tags/${name}`];
  if (candidates.some((candidate) => refs.has(candidate))) return true;
  return /^[0-9a-f]{4,64}$/.test(wanted) && [...refs.values()].some((commit) => commit.startsWith(wanted));
}

async function listRefs(source: string, cwd: string, signal?: AbortSignal): Promise<ListedRefs> {
  try {
    // --symref: HEAD's branch too, so the run's mirror can tell it is current without asking again.
    const { stdout } = await runGit(["ls-remote", uploadPack, "--symref", "--", source], {
      cwd,
      signal,
      timeoutMs: listTimeoutMs,
    });
    const headBranch = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(stdout)?.[1];
    return { refs: parseRemoteRefs(stdout), ...(headBranch ? { headBranch } : {}) };
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    throw new InputError(`cannot read the repository ${source}: ${error.message}`, {
      details: { source },
      cause: error,
    });
  }
}

/** Whether the source has the commit `sha` (a full id), fetched shallow into `scratch`. */
async function sourceHasCommit(
  source: string,
  sha: string,
  scratch: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const gitDir = path.join(scratch, "probe.git");
  await runGit(["init", "--bare", "--quiet", "--template=", gitDir], { cwd: scratch, signal });
  try {
    await runGit(["fetch", "--quiet", "--depth=1", "--no-tags", uploadPack, "--", source, sha], {
      gitDir,
      signal,
      timeoutMs: listTimeoutMs,
    });
    return true;
  } catch (error) {
    if (error instanceof GitCommandError) return false;
    throw error;
  }
}

function unknownBase(source: string, wanted: string, refs: ReadonlyMap<string, string>): InputError {
  const branches = [...refs.keys()]
    .filter((ref) => ref.startsWith("refs/heads/") && !ref.startsWith("refs/heads/slipway/"))
    .map((ref) => ref.slice("refs/heads/".length))
    .slice(0, branchesShown);
  const known = branches.length > 0 ? `branches there include ${branches.join(", ")}` : "it has no branches";
  return new InputError(`base ref "${wanted}" was not found in ${source}; ${known}`, {
    code: "ref_unknown",
    details: { ref: wanted, repo: source, branches },
  });
}

/**
 * Throw InputError `ref_unknown` when `baseRef` names nothing in `source`; returns the refs it listed
 * (the run's mirror skips its fetch when it holds exactly these). An abbreviated commit id no ref
 * points at cannot be asked for without the whole history: it passes here and is resolved (or
 * refused) when the run's workspace is made.
 */
export async function checkBaseRef(
  source: string,
  baseRef: string,
  signal?: AbortSignal,
): Promise<ListedRefs> {
  const wanted = baseRef.trim() || "HEAD";
  const scratch = await mkdtemp(path.join(tmpdir(), "slipway-base-"));
  try {
    const listed = await listRefs(source, scratch, signal);
    const { refs } = listed;
    if (namesListedRef(refs, wanted)) return listed;
    if (/^[0-9a-f]{4,39}$/.test(wanted)) return listed;
    if (
      /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(wanted) &&
      (await sourceHasCommit(source, wanted, scratch, signal))
    )
      return listed;
    throw unknownBase(source, wanted, refs);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * A follow-up's base is its pull request's head, which lives where the forge keeps the branch: with
 * the local forge and a separate `forge.remote`, that is not the task's source. It passes when the
 * forge's branch still names it (`headOnForge` asks the forge); otherwise it is checked in the source
 * as any base is, so an unknown base is still refused before anything is written.
 */
export async function checkFollowUpBase(
  source: string,
  baseRef: string,
  headOnForge: () => Promise<string | null>,
  signal?: AbortSignal,
): Promise<void> {
  const wanted = baseRef.trim();
  const fullId = /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(wanted);
  const head = fullId ? await headOnForge() : null;
  if (head === wanted) return;
  try {
    await checkBaseRef(source, baseRef, signal);
  } catch (error) {
    if (!(head && error instanceof InputError && error.code === "ref_unknown")) throw error;
    // Someone else pushed to the pull request's branch since Slipway did: say so, not "not found".
    throw new InputError(
      `follow-up base ${wanted.slice(0, 12)} is not in ${source} and no longer the head of the pull request's branch on the forge (now ${head.slice(0, 12)}): the branch moved since Slipway pushed it`,
      { code: "ref_unknown", details: { ref: wanted, repo: source, forgeHead: head }, cause: error },
    );
  }
}
