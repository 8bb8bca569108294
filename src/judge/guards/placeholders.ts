// Guard `placeholders`: the change must be finished work, not TODOs, stubs or empty functions.
import { introducedLines, newSideLines } from "../diff/diff-lines.ts";
import type { DiffFile, DiffLine, ParsedDiff } from "../diff/parse-diff.ts";
import type { Guard, GuardFinding, GuardPolicy } from "./guard.ts";
import { emptyFunctions } from "./heuristics/empty-bodies.ts";
import { isDocumentation } from "./heuristics/file-kinds.ts";

const guard = "placeholders";

/** TODO, FIXME and XXX count inside a comment only: as a value ("TODO" status) they are data. */
const commentMarker = /(?:\/\/|#|\/\*|<!--|^\s*\*|^\s*--).*?(?<![-\w])(TODO|FIXME|XXX)(?![-\w])/;

/** Stub text, as a string or a call. HTTP's "501 Not Implemented" is a status, not a stub. */
const stubs: readonly RegExp[] = [
  /\bnot (?:yet )?implemented\b/i,
  /\braise\s+NotImplementedError\b/,
  /\bunimplemented!\s*\(/,
  /\btodo!\s*\(/,
];

/** A Python `raise NotImplementedError` under @abstractmethod is the declaration of an interface. */
function insideAbstractMethod(side: Map<number, string>, line: number): boolean {
  for (let index = line - 1; index >= line - 12 && side.has(index); index--) {
    const text = side.get(index)!;
    if (/^\s*@(?:abc\.)?abstractmethod\b/.test(text)) return true;
    if (/^\s*(?:class|def|async\s+def)\s/.test(text) && !/^\s*@/.test(side.get(index - 1) ?? ""))
      return false;
  }
  return false;
}

/** Documentation may say a feature is "not implemented"; only its comment markers count. */
function placeholderIn(text: string, documentation: boolean): string | undefined {
  const comment = commentMarker.exec(text);
  if (comment) return comment[1];
  if (documentation || /\b501\b/.test(text)) return undefined;
  for (const stub of stubs) {
    const match = stub.exec(text);
    if (match) return match[0];
  }
  return undefined;
}

function markerFindings(file: DiffFile, lines: DiffLine[]): GuardFinding[] {
  const findings: GuardFinding[] = [];
  const side = newSideLines(file);
  const documentation = isDocumentation(file.path);
  for (const { line, text } of lines) {
    const marker = placeholderIn(text, documentation);
    if (marker === undefined) continue;
    if (marker.includes("NotImplementedError") && insideAbstractMethod(side, line)) continue;
    findings.push({
      guard,
      file: file.path,
      line,
      message: `"${marker}" was added: a placeholder, not a finished change; implement it and remove the marker`,
    });
  }
  return findings;
}

function checkFile(file: DiffFile): GuardFinding[] {
  const lines = introducedLines(file);
  const findings = markerFindings(file, lines);
  if (isDocumentation(file.path)) return findings;
  for (const { line, name } of emptyFunctions(file, lines)) {
    findings.push({
      guard,
      file: file.path,
      line,
      message: `the function ${name} has an empty body; implement it or remove it`,
    });
  }
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function checkPlaceholders(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  if (!policy.placeholders) return [];
  // Binary-looking files too: collectDiff reads them as text, and a NUL byte hides nothing.
  return diff.files.filter((file) => file.status !== "deleted").flatMap(checkFile);
}

/** Refuses added TODO/FIXME/XXX comments, "not implemented" stubs and empty function bodies. */
export const placeholdersGuard: Guard = { name: guard, check: checkPlaceholders };
