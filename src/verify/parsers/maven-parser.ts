// The parser for Maven (`mvn -B -q test`, `./mvnw …`): compiler errors with file:[line,col],
// Surefire's failing tests, and otherwise the build's own [ERROR] lines (an unresolvable
// dependency, a broken pom.xml) without Maven's closing advice.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { readMavenCompilerErrors } from "./maven-compiler-errors.ts";
import { clip, outputLines } from "./output-text.ts";
import { readSurefireFailures } from "./surefire-failures.ts";
import { uniqueFindings } from "./unique-findings.ts";

/** Lines Maven prints after every failure, which say where to read more but not what failed. */
const mavenAdvice = [
  /^\[ERROR\]\s*$/,
  /^\[ERROR\] -> \[Help \d+\]/,
  /^\[ERROR\] \[Help \d+\]/,
  /To see the full stack trace of the errors/,
  /Re-run Maven using the -X switch/,
  /For more information about the errors and possible solutions/,
  /After correcting the problems, you can resume the build/,
  /^\[ERROR\]\s+mvn <args> -rf /,
  /^\[ERROR\] COMPILATION ERROR :?\s*$/,
  /Please refer to .* for the individual test results/,
  /Please refer to dump files/,
];
const goalFailure = /^Failed to execute goal (?:\S+ \([^)]*\) )?on project [^:]+: /;
const maxBuildFindings = 5;
const maxMessageChars = 400;

/** The first few [ERROR]/[FATAL] lines that are not advice, as build findings. */
function buildErrors(lines: string[]): Finding[] {
  const findings: Finding[] = [];
  for (const line of lines) {
    if (!/^\[(ERROR|FATAL)\] /.test(line) || mavenAdvice.some((pattern) => pattern.test(line))) continue;
    const message = line
      .replace(/^\[(ERROR|FATAL)\]\s+/, "")
      .replace(goalFailure, "")
      .replace(/ -> \[Help \d+\]$/, "");
    findings.push({ kind: "build", message: clip(message, maxMessageChars) });
    if (findings.length >= maxBuildFindings) break;
  }
  return findings;
}

export function parseMavenOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const findings = [...readMavenCompilerErrors(lines), ...readSurefireFailures(lines)];
  return uniqueFindings(findings.length > 0 ? findings : buildErrors(lines));
}

export const mavenParser: OutputParser = {
  name: "maven",
  parse: (output) => parseMavenOutput(output),
};
