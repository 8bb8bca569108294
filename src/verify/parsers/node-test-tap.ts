// Reads the TAP reporter of node's test runner (`--test-reporter=tap`): `# Subtest:` lines give
// the nesting, `not ok N - name` a failure, and its YAML block the location, error and stack.
import { parse as parseYaml } from "yaml";
import type { Finding } from "../../core/finding.ts";
import { failureToFinding } from "./node-test-failure.ts";
import { dedent } from "./output-text.ts";

const subtestLine = /^( *)# Subtest: (.*)$/;
const resultLine = /^( *)(not ok|ok) \d+(?: - (.*?))?(?: # (SKIP|TODO)\b.*)?$/;
const counterLine = /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+$/;

/** The YAML diagnostics block that follows a result line, between `---` and `...`. */
function diagnosticsBlock(lines: string[], start: number): { block: Record<string, unknown>; end: number } {
  if (lines[start]?.trim() !== "---") return { block: {}, end: start - 1 };
  let end = start + 1;
  while (end < lines.length && lines[end]!.trim() !== "...") end++;
  const text = dedent(lines.slice(start + 1, end)).join("\n");
  try {
    const parsed: unknown = parseYaml(text);
    if (typeof parsed === "object" && parsed !== null)
      return { block: parsed as Record<string, unknown>, end };
  } catch {
    // A block YAML cannot read (odd characters in a message): keep the test name, lose its details.
  }
  return { block: {}, end };
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** TAP escapes `#` and `\` in names. */
function unescapeName(name: string): string {
  return name.replace(/\\([#\\])/g, "$1");
}

/** Findings from TAP reporter output. */
export function parseNodeTestTap(lines: string[]): Finding[] {
  const parents: string[] = [];
  const findings: Finding[] = [];
  let comments: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const subtest = subtestLine.exec(line);
    if (subtest) {
      const level = Math.floor(subtest[1]!.length / 4);
      parents.length = level;
      parents[level] = unescapeName(subtest[2]!.trim());
      continue;
    }
    if (line.startsWith("# ") && !counterLine.test(line)) comments.push(line.slice(2).replace(/\\#/g, "#"));
    const result = resultLine.exec(line);
    if (!result) continue;
    const { block, end } = diagnosticsBlock(lines, index + 1);
    index = end;
    const preamble = comments;
    comments = [];
    if (result[2] === "ok" || result[4] === "TODO" || block.failureType === "subtestsFailed") continue;
    const level = Math.floor(result[1]!.length / 4);
    const name = unescapeName((result[3] ?? "").trim());
    const errorText = text(block.error) ?? "failed";
    findings.push(
      failureToFinding({
        fullName: [...parents.slice(0, level), name].join(" > "),
        declaredAt: text(block.location),
        errorLines: errorText.split("\n"),
        errorName: text(block.name),
        stack: (text(block.stack) ?? "").split("\n").filter((frame) => frame.trim() !== ""),
        expected: text(block.expected),
        actual: text(block.actual),
        preamble,
      }),
    );
  }
  return findings;
}
