// How large a change review will read: checked on git's counts before the patch is read, so a
// change of millions of short lines (or a few huge ones) is refused instead of filling the heap.
import { isLockfile } from "../guards/heuristics/file-kinds.ts";
import type { LineCounts, RawEntry } from "./diff-listing.ts";

/** What collectDiff reads at most; over any of these the patch is not read and review refuses. */
export interface ReviewLimits {
  /** Files added, changed, renamed or deleted. */
  maxFiles: number;
  /** Added + removed lines, lockfiles not counted (as the size guard counts them). */
  maxLines: number;
  /** Bytes of the changed blobs, both sides, lockfiles included. */
  maxBytes: number;
}

/** Every changed line, lockfiles included: past this the parse alone would cost too much memory. */
export const maxReviewLinesAll = 200_000;

/** Limits when the caller passes none: far above any reviewable change, far below the heap. */
export const defaultReviewLimits: ReviewLimits = {
  maxFiles: 2_000,
  maxLines: maxReviewLinesAll,
  maxBytes: 16 * 1024 * 1024,
};

/** The review limits of a guard policy: its file and line limits, the default byte limit. */
export function reviewLimitsFor(policy: { maxFilesChanged: number; maxLinesChanged: number }): ReviewLimits {
  return { ...defaultReviewLimits, maxFiles: policy.maxFilesChanged, maxLines: policy.maxLinesChanged };
}

/** Why the change is too large by its file and line counts (one line), or undefined. */
export function overCountLimits(
  entries: readonly RawEntry[],
  counts: ReadonlyMap<string, LineCounts>,
  limits: ReviewLimits,
): string | undefined {
  if (entries.length > limits.maxFiles) {
    return `the change touches ${entries.length} files, more than the limit of ${limits.maxFiles}; undo changes outside the task or split it (its patch was not read)`;
  }
  let counted = 0;
  let all = 0;
  for (const [path, lines] of counts) {
    // A file not counted yet (binary to git) must not pass as empty.
    const changed = lines === undefined ? Number.POSITIVE_INFINITY : lines.added + lines.removed;
    all += changed;
    if (!isLockfile(path)) counted += changed;
  }
  if (counted > limits.maxLines) {
    return `the change adds and removes ${counted} lines, more than the limit of ${limits.maxLines}; make a smaller change (its patch was not read)`;
  }
  if (all > maxReviewLinesAll) {
    return `the change adds and removes ${all} lines with its lockfiles, more than review reads (${maxReviewLinesAll}); make a smaller change (its patch was not read)`;
  }
  return undefined;
}

/** Why the changed blobs are too large to read (one line), or undefined. */
export function overByteLimit(bytes: number, limits: ReviewLimits): string | undefined {
  if (bytes <= limits.maxBytes) return undefined;
  return `the changed files hold ${bytes.toLocaleString("en-US")} bytes (old and new content), more than review reads (${limits.maxBytes.toLocaleString("en-US")}); make a smaller change (its patch was not read)`;
}

/**
 * The longest patch git can print for a change of these measures: both sides' content, per line
 * a marker, context markers and a hunk header, per file a header (four paths of at most 4,096
 * bytes and the mode and index lines).
 */
export function patchByteCap(measures: { bytes: number; lines: number; files: number }): number {
  return measures.bytes + 128 * measures.lines + 20_000 * measures.files + 64 * 1024;
}
