// The parser for Gradle (`./gradlew test`): javac and kotlinc errors, failing tests, and
// otherwise Gradle's own `* What went wrong:` sections (a broken build script names its file
// and line under `* Where:`).
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { readGradleTestFailures } from "./gradle-test-failures.ts";
import { readJvmCompilerErrors } from "./jvm-compiler-errors.ts";
import { clip, outputLines } from "./output-text.ts";
import { uniqueFindings } from "./unique-findings.ts";

const buildFileLocation = /^(?:Build file|Settings file|Script) '(.+)' line: (\d+)$/;
const maxContextLines = 8;
const maxMessageChars = 400;

/** The lines of the section that starts after `lines[start]` (`* What went wrong:`), up to the next `* `. */
function sectionLines(lines: string[], start: number): string[] {
  const section: string[] = [];
  for (let index = start + 1; index < lines.length && !/^\* \w/.test(lines[index]!); index++) {
    if (/^-{5,}$/.test(lines[index]!) || /^\d+: Task failed with an exception\.$/.test(lines[index]!)) break;
    if (lines[index]!.trim() !== "") section.push(lines[index]!.trim());
  }
  return section;
}

/** One build finding per `* What went wrong:` section. */
function whatWentWrong(lines: string[]): Finding[] {
  const findings: Finding[] = [];
  let where: { file: string; line: number } | undefined;
  for (let index = 0; index < lines.length; index++) {
    const heading = lines[index]!.trim();
    if (heading === "* Where:") {
      const location = buildFileLocation.exec(sectionLines(lines, index)[0] ?? "");
      where = location ? { file: location[1]!, line: Number(location[2]) } : undefined;
    }
    if (heading !== "* What went wrong:") continue;
    const section = sectionLines(lines, index);
    if (section.length === 0) continue;
    const message = section.slice(0, 2).join(" ");
    const finding: Finding = { kind: "build", message: clip(message, maxMessageChars) };
    if (where) Object.assign(finding, where);
    if (section.length > 2) finding.context = section.slice(2, 2 + maxContextLines).join("\n");
    findings.push(finding);
    where = undefined;
  }
  return findings;
}

export function parseGradleOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const findings = [...readJvmCompilerErrors(lines), ...readGradleTestFailures(lines)];
  return uniqueFindings(findings.length > 0 ? findings : whatWentWrong(lines));
}

export const gradleParser: OutputParser = {
  name: "gradle",
  parse: (output) => parseGradleOutput(output),
};
