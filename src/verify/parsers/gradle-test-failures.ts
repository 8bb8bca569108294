// Reads failing tests from Gradle's console: `com.example.CalculatorTest > subtracts FAILED`
// (or `CalculatorTest > subtracts() FAILED`, nested classes as further `>` steps), then the
// indented exception: `java.lang.AssertionError at CalculatorTest.java:14` in Gradle's default
// short format, or the message and its frames when the build asks for the full format.
import type { Finding } from "../../core/finding.ts";
import { exceptionMessage, isFrameLine, readJavaFrame, simpleClassName } from "./java-exceptions.ts";
import { clip } from "./output-text.ts";

const failedTest = /^(?!> )(\S[^>]*?(?: > .+?)+) FAILED$/;
const shortException = /^(.+?) at (\S+?\.(?:java|kt|groovy|scala)):(\d+)$/;
const maxContextLines = 8;
const maxMessageChars = 400;

function testFinding(name: string, body: string[]): Finding {
  const lines = body.map((line) => line.trim()).filter((line) => line !== "");
  const first = lines[0] ?? "failed";
  const context: string[] = [];
  let message: string;
  const short = shortException.exec(first);
  if (short) {
    // Gradle's default short format prints no assertion message: the location is all there is.
    message = `${exceptionMessage(short[1]!)} at ${short[2]}:${short[3]}`;
  } else {
    message = exceptionMessage(first);
    const testClass = simpleClassName(name.split(" > ")[0]!.trim());
    const details = lines.slice(1).filter((line) => !isFrameLine(line));
    const frame = body
      .map(readJavaFrame)
      .find((candidate) => candidate && simpleClassName(candidate.className).startsWith(testClass));
    context.push(...details);
    if (frame)
      context.push(`at ${simpleClassName(frame.className)}.${frame.method}(${frame.file}:${frame.line})`);
  }
  const finding: Finding = { kind: "test", test: name, message: clip(message, maxMessageChars) };
  if (context.length > 0) finding.context = context.slice(0, maxContextLines).join("\n");
  return finding;
}

/** Failing tests in Gradle output. */
export function readGradleTestFailures(lines: string[]): Finding[] {
  const findings: Finding[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = failedTest.exec(lines[index]!);
    if (!match) continue;
    const body: string[] = [];
    for (let next = index + 1; next < lines.length && /^\s+\S/.test(lines[next]!); next++) {
      body.push(lines[next]!);
    }
    findings.push(testFinding(match[1]!, body));
    index += body.length;
  }
  return findings;
}
