// Guard `hidden-characters`: added lines must not hold characters that make code read other than
// it runs (bidirectional overrides, "Trojan Source") or hide inside names (zero-width characters).
import { introducedLines } from "../diff/diff-lines.ts";
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import type { Guard, GuardFinding } from "./guard.ts";
import { languageOf } from "./heuristics/file-kinds.ts";

const guard = "hidden-characters";

/** Embeddings, overrides and isolates reorder what a reviewer sees; plain text never needs them. */
const bidirectionalControls = /[\u202a-\u202e\u2066-\u2069]/u;
/** Invisible in source: a zero-width space, word joiner or mid-line byte-order mark splits a name. */
const zeroWidth = /[\u200b\u2060\ufeff]/u;

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

function checkFile(file: DiffFile): GuardFinding[] {
  const findings: GuardFinding[] = [];
  const source = languageOf(file.path) !== undefined;
  for (const { line, text } of introducedLines(file)) {
    // A byte-order mark opening the file is an encoding marker, not hidden content.
    const body = line === 1 ? text.replace(/^\ufeff/, "") : text;
    const found = bidirectionalControls.exec(body) ?? (source ? zeroWidth.exec(body) : null);
    if (!found) continue;
    findings.push({
      guard,
      file: file.path,
      line,
      message: `an invisible character ${codePoint(found[0])} was added; it makes the line read other than it runs — remove it`,
    });
  }
  return findings;
}

function checkHidden(diff: ParsedDiff): GuardFinding[] {
  return diff.files.filter((file) => file.status !== "deleted").flatMap(checkFile);
}

/** Refuses bidirectional control characters in added lines, and zero-width characters in source. */
export const hiddenCharactersGuard: Guard = { name: guard, check: checkHidden };
