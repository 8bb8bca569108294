// Guard `secrets`: added lines must not hold credentials. Findings name the kind, never the value.
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import type { Guard, GuardFinding, GuardPolicy } from "./guard.ts";
import { isGeneratedAsset, isLockfile } from "./heuristics/file-kinds.ts";
import {
  isDocumentedExample,
  privateKeyBegin,
  privateKeyEnd,
  randomTokens,
  redact,
  secretPatterns,
} from "./heuristics/secret-patterns.ts";
import { joinedStrings } from "./heuristics/string-pieces.ts";

const remedy = "remove it and read the value from the environment or a secret store at run time";

/** Known-format matches of one line as findings, and the column ranges they cover. */
function knownSecrets(file: DiffFile, line: number, text: string) {
  const findings: GuardFinding[] = [];
  const covered: [number, number][] = [];
  let opensKey = false;
  for (const { label, pattern, visible } of secretPatterns) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (isDocumentedExample(match[0]) || covered.some(([from, to]) => start < to && end > from)) continue;
      covered.push([start, end]);
      opensKey ||= pattern === privateKeyBegin;
      const shown = visible > 0 ? ` (${redact(match[0], visible)})` : "";
      findings.push({
        guard: "secrets",
        file: file.path,
        line,
        message: `a ${label}${shown} was added; ${remedy}`,
      });
    }
  }
  return { findings, covered, opensKey };
}

function checkFile(file: DiffFile): GuardFinding[] {
  const findings: GuardFinding[] = [];
  // Lockfiles and minified assets are full of integrity hashes: only known formats count there.
  const readEntropy = !isLockfile(file.path) && !isGeneratedAsset(file.path);
  let insideKey = false;
  for (const { line, text } of file.addedLines) {
    if (insideKey) {
      // The body of a reported private key: one finding for the block, not one per line.
      insideKey = !privateKeyEnd.test(text);
      continue;
    }
    const known = knownSecrets(file, line, text);
    findings.push(...known.findings);
    if (known.opensKey) insideKey = !privateKeyEnd.test(text);
    if (!readEntropy) continue;
    for (const { column, token } of randomTokens(text)) {
      if (known.covered.some(([from, to]) => column < to && column + token.length > from)) continue;
      findings.push({
        guard: "secrets",
        file: file.path,
        line,
        message: `a random-looking string (${redact(token, 4)}) was added and may be a credential; ${remedy}`,
      });
    }
  }
  return [...findings, ...piecedSecrets(file, readEntropy)];
}

/**
 * Credentials written in pieces (`"sk-ant-" + "api03…"`) or with escapes: read in the joined
 * value. A value a line already shows whole was reported by the line checks.
 */
function piecedSecrets(file: DiffFile, readEntropy: boolean): GuardFinding[] {
  const findings: GuardFinding[] = [];
  const seen = (value: string) => file.addedLines.some(({ text }) => text.includes(value));
  for (const { line, value } of joinedStrings(file.addedLines)) {
    const found: string[] = [];
    for (const { label, pattern, visible } of secretPatterns) {
      for (const [match] of value.matchAll(pattern)) {
        if (isDocumentedExample(match) || seen(match) || found.some((other) => other.includes(match)))
          continue;
        found.push(match);
        const shown = visible > 0 ? ` (${redact(match, visible)})` : "";
        findings.push({
          guard: "secrets",
          file: file.path,
          line,
          message: `a ${label}${shown} written in pieces was added; ${remedy}`,
        });
      }
    }
    if (!readEntropy) continue;
    for (const { token } of randomTokens(`"${value.replaceAll('"', " ")}"`)) {
      if (seen(token) || found.some((other) => other.includes(token) || token.includes(other))) continue;
      found.push(token);
      findings.push({
        guard: "secrets",
        file: file.path,
        line,
        message: `a random-looking string (${redact(token, 4)}) written in pieces was added and may be a credential; ${remedy}`,
      });
    }
  }
  return findings;
}

function checkSecrets(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  if (!policy.secrets) return [];
  // Binary-looking files too: collectDiff reads them as text, and a NUL byte hides nothing.
  return diff.files.flatMap(checkFile);
}

/** Refuses added lines holding known token formats, private keys or high-entropy strings. */
export const secretsGuard: Guard = { name: "secrets", check: checkSecrets };
