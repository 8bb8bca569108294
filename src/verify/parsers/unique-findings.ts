// Drops repeated findings: build tools print the same error more than once (Maven lists compiler
// errors twice, cargo builds a crate for its lib and its tests, Gradle repeats javac's output).
import type { Finding } from "../../core/finding.ts";

function findingKey(finding: Finding): string {
  const { kind, file, line, column, rule, test, message } = finding;
  return JSON.stringify([kind, file, line, column, rule, test, message]);
}

/** `findings` in order, each kept the first time it appears. */
export function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = findingKey(finding);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
