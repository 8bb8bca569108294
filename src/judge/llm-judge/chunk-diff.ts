// Splits the judge's diff into chunks it can read whole: by file, and a file too large for one
// chunk by hunks. Nothing is cut off: every line of the diff lands in exactly one chunk.
import { WorkspaceError } from "../../core/errors.ts";
import type { ParsedDiff } from "../diff/parse-diff.ts";
import { type JudgeFileSection, renderJudgeSections } from "./render-judge-diff.ts";

export interface DiffChunk {
  /** Paths of the files in this chunk, as the agent named them (quote them wherever printed). */
  files: string[];
  /** The chunk as rendered for the judge (see render-judge-diff.ts). */
  text: string;
}

/** Pieces of one file, each at most `budget` characters where a single hunk allows. */
function filePieces(section: JudgeFileSection, budget: number): string[] {
  const whole = section.header + section.hunks.join("");
  if (whole.length <= budget) return [whole];
  const pieces: string[] = [];
  let current = section.header;
  for (const hunk of section.hunks) {
    if (current.length + hunk.length > budget && current !== section.header) {
      pieces.push(current);
      current = section.header;
    }
    current += hunk;
  }
  pieces.push(current);
  return pieces;
}

/**
 * Chunks of at most about `budget` characters (a single hunk larger than that stays whole), of
 * the diff collectDiff parsed (binary changes described).
 */
export function chunkDiff(diff: ParsedDiff, budget: number): DiffChunk[] {
  // Fail closed: a change whose patch was not read has nothing the judge could approve.
  if (diff.unread !== undefined) {
    throw new WorkspaceError(`the judge cannot review a change whose patch was not read: ${diff.unread}`);
  }
  const chunks: DiffChunk[] = [];
  let current: DiffChunk = { files: [], text: "" };
  for (const section of renderJudgeSections(diff)) {
    for (const piece of filePieces(section, budget)) {
      if (current.text.length + piece.length > budget && current.text.length > 0) {
        chunks.push(current);
        current = { files: [], text: "" };
      }
      current.text += piece;
      if (!current.files.includes(section.file)) current.files.push(section.file);
    }
  }
  if (current.text.length > 0) chunks.push(current);
  return chunks;
}
