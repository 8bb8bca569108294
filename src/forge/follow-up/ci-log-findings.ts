// Turns a failed CI job's log into findings with the verification parsers: the parser that
// understands the log best wins; a log no parser understands falls back to its last relevant lines.
import type { Finding } from "../../core/finding.ts";
import { parseRecognisedOutput, recogniseParsers } from "../../verify/parsers/auto-parser.ts";
import { outputParsers } from "../../verify/parsers/parser-registry.ts";

export interface CiLogFindings {
  parser: string;
  findings: Finding[];
}

/** CI runners prefix every line with a timestamp; parsers expect the tool's own lines. */
function stripRunnerPrefixes(log: string): string {
  return log.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/gm, "");
}

/**
 * Parse `log` of a failed job (exit status unknown: treated as failing). The tools recognised by
 * their output signatures read it first (several parsers can read one format — node:test's TAP is
 * also TAP — and only the signature says which tool printed it); else the parser that finds most.
 */
export function parseCiLog(log: string): CiLogFindings {
  const text = stripRunnerPrefixes(log);
  const recognised = recogniseParsers(text);
  if (recognised.length > 0) {
    const findings = parseRecognisedOutput(text, 1);
    if (findings.length > 0) return { parser: recognised.join(", "), findings };
  }
  let best: CiLogFindings | undefined;
  for (const parser of outputParsers.values()) {
    if (parser.name === "generic") continue;
    const findings = parser.parse(text, 1);
    if (findings.length > 0 && findings.length > (best?.findings.length ?? 0)) {
      best = { parser: parser.name, findings };
    }
  }
  if (best) return best;
  const generic = outputParsers.get("generic");
  return { parser: "generic", findings: generic ? generic.parse(text, 1) : [] };
}
