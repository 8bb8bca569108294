// Drops repeated findings: build tools print the same error more than once (Maven lists compiler
// errors twice, cargo builds a crate for its lib and its tests, Gradle repeats javac's output), and
// across checks (a build that repeats the typecheck's errors).
import type { Finding } from "../../core/finding.ts";

/** What makes two findings the same problem, whichever check reported it. */
export function findingKey(finding: Finding): string {
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

/** The findings of `findings` whose key is not in `seen` yet, and how many were; adds every key to `seen`. */
export function unseenFindings(
  findings: Finding[],
  seen: Set<string>,
): { fresh: Finding[]; repeated: number } {
  const fresh: Finding[] = [];
  let repeated = 0;
  for (const finding of findings) {
    const key = findingKey(finding);
    if (seen.has(key)) repeated++;
    else fresh.push(finding);
    seen.add(key);
  }
  return { fresh, repeated };
}
