// Reads the spec reporter of node's test runner: the ✔/✖/▶ tree gives each test's full name (the
// suites it sits in), the "failing tests:" section gives its location and error.
import type { Finding } from "../../core/finding.ts";
import { failureToFinding } from "./node-test-failure.ts";
import { dedent } from "./output-text.ts";

// One space, then the name: tsd's and xo's `✖  1:13  message` (two spaces) is no test.
const treeLine = /^( *)([▶✔✖﹣⚠]) (\S.*)$/;
const failingHeader = /^✖ failing tests:\s*$/;
const declaredLine = /^test at (.+)$/;
const resultLine = /^✖ (.*)$/;

/** A ✖ line of the tree: a failing test, or the closing line of a failing suite. */
interface TreeFailure {
  leaf: string;
  fullName: string;
  /** Non-tree lines printed just before it (a load error of a test file). */
  preamble: string[];
  isSuite: boolean;
  /** Already matched to an entry of the failing section. */
  used: boolean;
}

/** Drop the duration and the skip/todo marker from a test's name. */
function bareName(text: string): string {
  return text
    .replace(/ # (SKIP|TODO)\b.*$/, "")
    .replace(/ \([\d.]+m?s\)$/, "")
    .trim();
}

/** Walk the tree keeping the open suites by indentation; collect every ✖ line with its full name. */
function readTree(lines: string[]): TreeFailure[] {
  const open: string[] = [];
  const failures: TreeFailure[] = [];
  let stray: string[] = [];
  for (const line of lines) {
    const match = treeLine.exec(line);
    if (!match) {
      if (line.trim() !== "" && !line.startsWith("ℹ ")) stray.push(line);
      continue;
    }
    const level = Math.floor(match[1]!.length / 2);
    const glyph = match[2]!;
    const name = bareName(match[3]!);
    const closesSuite = open[level] === name && glyph !== "▶";
    open.length = level;
    if (glyph === "▶" && !/ \([\d.]+m?s\)$/.test(match[3]!)) {
      open[level] = name;
    } else if (glyph === "✖" && !/ # TODO\b/.test(match[3]!)) {
      // A failing todo test is expected to fail: not a finding.
      const fullName = [...open, name].join(" > ");
      failures.push({ leaf: name, fullName, preamble: stray, isSuite: closesSuite, used: false });
    }
    stray = [];
  }
  return failures;
}

/** Split the "failing tests:" section into one block per test: declaration, result line, error. */
function failingBlocks(lines: string[]): { declaredAt?: string; name: string; body: string[] }[] {
  const blocks: { declaredAt?: string; name: string; body: string[] }[] = [];
  let declaredAt: string | undefined;
  for (const line of lines) {
    const declared = declaredLine.exec(line);
    if (declared) {
      declaredAt = declared[1]!.trim();
      continue;
    }
    const result = resultLine.exec(line);
    if (result) {
      blocks.push({ declaredAt, name: bareName(result[1]!), body: [] });
      declaredAt = undefined;
      continue;
    }
    if (blocks.length > 0 && (line.startsWith(" ") || line.trim() === ""))
      blocks[blocks.length - 1]!.body.push(line);
  }
  return blocks;
}

/** Split an error block into message lines, stack frames and the `actual`/`expected` properties. */
function splitError(body: string[]): {
  errorLines: string[];
  stack: string[];
  expected?: string;
  actual?: string;
} {
  const lines = dedent(body);
  const stackStart = lines.findIndex((line) => /^\s+at /.test(line) || /^at /.test(line));
  if (stackStart < 0) return { errorLines: lines, stack: [] };
  const errorLines = lines.slice(0, stackStart);
  const stack: string[] = [];
  let index = stackStart;
  for (; index < lines.length && /^\s*at /.test(lines[index]!); index++) stack.push(lines[index]!.trim());
  const properties = lines.slice(index);
  const property = (key: string): string | undefined =>
    properties
      .map((line) => new RegExp(`^\\s{2}${key}: (.*?),?$`).exec(line))
      .find((match) => match !== null)?.[1];
  return { errorLines, stack, expected: property("expected"), actual: property("actual") };
}

/** Findings from spec reporter output. */
export function parseNodeTestSpec(output: string[]): Finding[] {
  const headerIndex = output.findIndex((line) => failingHeader.test(line));
  const tree = readTree(headerIndex < 0 ? output : output.slice(0, headerIndex));
  if (headerIndex < 0) {
    // No failing section (the run was cut short): the tree's failing leaves are all we have.
    return tree
      .filter((entry) => !entry.isSuite)
      .map((entry) =>
        failureToFinding({ fullName: entry.fullName, errorLines: [], stack: [], preamble: entry.preamble }),
      );
  }
  return failingBlocks(output.slice(headerIndex + 1)).map((block) => {
    // Same-named tests in different suites fail in tree order, so the first unused entry is the one.
    const match = tree.find((entry) => !entry.used && entry.leaf === block.name);
    if (match) match.used = true;
    return failureToFinding({
      fullName: match?.fullName ?? block.name,
      declaredAt: block.declaredAt,
      ...splitError(block.body),
      preamble: match?.preamble ?? [],
    });
  });
}
