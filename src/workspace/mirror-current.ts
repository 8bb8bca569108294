// Whether a mirror already holds what the source's refs were a moment ago (intake's `git ls-remote`),
// so a run can skip its fetch: one local `for-each-ref` instead of a fetch and a second ls-remote.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runGit } from "./git.ts";

/** The source's refs as `git ls-remote --symref` listed them: ref name → object id, and HEAD's branch. */
export interface ListedRefs {
  refs: ReadonlyMap<string, string>;
  /** The branch the source's HEAD names (`refs/heads/…`); undefined when HEAD is detached or unlisted. */
  headBranch?: string;
}

/** The refs a mirror takes from its source: branches and tags, never Slipway's own branches. */
function fetchedFromSource(ref: string): boolean {
  return /^refs\/(heads|tags)\//.test(ref) && !ref.startsWith("refs/heads/slipway/") && !ref.endsWith("^{}");
}

/** Refs a mirror may hold without a fetch having to remove them (see removePrivateRefs). */
function keptInMirror(ref: string): boolean {
  return /^refs\/(heads|tags|slipway[^/]*)\//.test(ref);
}

/** Parse `git for-each-ref --format='%(objectname) %(refname)'`. */
export function parseMirrorRefs(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of output.split("\n")) {
    const match = /^([0-9a-f]{40,64}) (\S+)$/.exec(line);
    if (match) refs.set(match[2]!, match[1]!);
  }
  return refs;
}

/**
 * True when a fetch of `listed` into a mirror holding `mirrorRefs` with `mirrorHead` (its HEAD file)
 * would change nothing: the same branches and tags at the same objects (none more, none fewer), no
 * ref a fetch would delete, and HEAD naming the branch the source's HEAD names. Pure.
 */
export function mirrorMatchesListing(
  mirrorRefs: ReadonlyMap<string, string>,
  mirrorHead: string,
  listed: ListedRefs,
): boolean {
  const { headBranch } = listed;
  if (!headBranch || mirrorHead !== `ref: ${headBranch}\n`) return false;
  const wanted = [...listed.refs].filter(([ref]) => fetchedFromSource(ref));
  if (!wanted.some(([ref]) => ref === headBranch)) return false;
  let mirrored = 0;
  for (const [ref, id] of mirrorRefs) {
    if (!keptInMirror(ref)) return false;
    if (!fetchedFromSource(ref)) continue;
    if (listed.refs.get(ref) !== id) return false;
    mirrored++;
  }
  return mirrored === wanted.length;
}

/**
 * True when the mirror at `mirrorPath` holds exactly `listed` (see mirrorMatchesListing). Call it
 * under the mirror's lock, after its config was rewritten: one local git command, no network.
 */
export async function mirrorHoldsListing(
  mirrorPath: string,
  listed: ListedRefs,
  signal?: AbortSignal,
): Promise<boolean> {
  const head = await readFile(path.join(mirrorPath, "HEAD"), "utf8").catch(() => "");
  const { stdout } = await runGit(["for-each-ref", "--format=%(objectname) %(refname)"], {
    gitDir: mirrorPath,
    signal,
  });
  return mirrorMatchesListing(parseMirrorRefs(stdout), head, listed);
}
