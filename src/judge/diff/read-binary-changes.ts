// Which changed files git would show as binary, and what each one is (sizes, type), read from git.
import type { GitRunner } from "../guards/collect-diff.ts";
import { type BinaryChange, sniffContentType } from "./binary-change.ts";
import { parseNumstat, parseRawEntries } from "./diff-listing.ts";

/** Blobs larger than this are not read to tell their type (the diff text already holds them). */
const maxInspectedBytes = 16 * 1024 * 1024;
/** Past this many binary files, the rest are listed without their sizes or type. */
const maxInspectedFiles = 200;
/** Git decides binary-ness from the first 8,000 bytes; the type sniff needs fewer. */
const headChars = 8_000;
interface BlobPair {
  oldId?: string;
  newId?: string;
}

/** New paths of the files `git diff --numstat -z` reports as binary (`-` for both counts). */
export function parseBinaryNumstat(text: string): Set<string> {
  const counts = parseNumstat(text);
  return new Set([...counts.keys()].filter((path) => counts.get(path) === undefined));
}

/** Old and new blob ids by new path, from `git diff --raw -z --no-abbrev`. */
export function parseRawBlobs(text: string): Map<string, BlobPair> {
  return new Map(
    parseRawEntries(text).map(({ path, oldId, newId }) => [
      path,
      { ...(oldId === undefined ? {} : { oldId }), ...(newId === undefined ? {} : { newId }) },
    ]),
  );
}

async function blobSize(runGit: GitRunner, id: string | undefined): Promise<number | undefined> {
  if (id === undefined) return undefined;
  return Number((await runGit(["cat-file", "-s", id])).trim());
}

/** Sizes of both sides, and the type and reason read from the newest side's first bytes. */
async function describeBlobs(runGit: GitRunner, pair: BlobPair): Promise<BinaryChange> {
  const oldSize = await blobSize(runGit, pair.oldId);
  const newSize = await blobSize(runGit, pair.newId);
  const id = pair.newId ?? pair.oldId;
  const size = pair.newId === undefined ? oldSize : newSize;
  const sizes = {
    ...(oldSize === undefined ? {} : { oldSize }),
    ...(newSize === undefined ? {} : { newSize }),
  };
  if (id === undefined || size === undefined || size > maxInspectedBytes) {
    return { ...sizes, reason: "unknown", contentType: `not inspected (over ${maxInspectedBytes} bytes)` };
  }
  const head = (await runGit(["cat-file", "blob", id])).slice(0, headChars);
  return {
    ...sizes,
    reason: head.includes("\0") ? "nul-bytes" : "attributes",
    contentType: sniffContentType(head),
  };
}

/**
 * The binary changes between `base` and `target`, by new path: files whose content changed and
 * that git (by a NUL byte or by the repository's `.gitattributes`) would not show as text.
 */
export async function readBinaryChanges(
  runGit: GitRunner,
  base: string,
  target: string,
  diffArguments: readonly string[],
): Promise<Map<string, BinaryChange>> {
  const range = ["--end-of-options", base, target, "--"];
  const binary = parseBinaryNumstat(await runGit(["diff", ...diffArguments, "--numstat", "-z", ...range]));
  const changes = new Map<string, BinaryChange>();
  if (binary.size === 0) return changes;
  const blobs = parseRawBlobs(
    await runGit(["diff", ...diffArguments, "--raw", "-z", "--no-abbrev", ...range]),
  );
  for (const path of binary) {
    const pair = blobs.get(path);
    // A pure rename or a mode change shows no content to hide.
    if (pair === undefined || pair.oldId === pair.newId) continue;
    changes.set(
      path,
      changes.size < maxInspectedFiles
        ? await describeBlobs(runGit, pair)
        : { reason: "unknown", contentType: "not inspected (too many binary files)" },
    );
  }
  return changes;
}
