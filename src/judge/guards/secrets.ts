// Guard `secrets`: added lines must not hold credentials. Findings name the kind, never the value.
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import type { Guard, GuardFinding, GuardPolicy } from "./guard.ts";
import { encodedStrings } from "./heuristics/encoded-strings.ts";
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

/** Known-format credentials in `value` (never shown whole), each once. */
function knownIn(value: string): { label: string; shown: string }[] {
  const found: { label: string; shown: string; match: string }[] = [];
  for (const { label, pattern, visible } of secretPatterns) {
    for (const [match] of value.matchAll(pattern)) {
      if (isDocumentedExample(match) || found.some((other) => other.match.includes(match))) continue;
      found.push({ label, match, shown: visible > 0 ? ` (${redact(match, visible)})` : "" });
    }
  }
  return found;
}

/**
 * Credentials spelled as character codes or hex (`String.fromCharCode(103, …)`,
 * `bytes.fromhex("6768…")`), over the file's added lines read as one text: a run may span lines.
 */
function encodedSecrets(file: DiffFile): GuardFinding[] {
  const text = file.addedLines.map(({ text }) => text).join("\n");
  return encodedStrings(text).flatMap(({ index, encoding, value }) => {
    const line = file.addedLines[text.slice(0, index).split("\n").length - 1]?.line;
    return knownIn(value).map(({ label, shown }) => ({
      guard: "secrets",
      file: file.path,
      ...(line === undefined ? {} : { line }),
      message: `a ${label}${shown} written as ${encoding} was added; ${remedy}`,
    }));
  });
}

/** A credential in a new file name: names reach logs, listings and URLs. Known formats only. */
function secretsInName(file: DiffFile): GuardFinding[] {
  if (file.status !== "added" && file.status !== "renamed") return [];
  return knownIn(file.path).map(({ label, shown }) => ({
    guard: "secrets",
    file: file.path,
    message: `the file's name holds a ${label}${shown}; rename the file, and ${remedy}`,
  }));
}

function checkSecrets(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  if (!policy.secrets) return [];
  // Binary-looking files too: collectDiff reads them as text, and a NUL byte hides nothing.
  return diff.files.flatMap((file) => [...secretsInName(file), ...checkFile(file), ...encodedSecrets(file)]);
}

/**
 * Refuses added lines holding known token formats, private keys or high-entropy strings, known
 * formats spelled as character codes or hex, and new file names holding a known format.
 */
export const secretsGuard: Guard = { name: "secrets", check: checkSecrets };
