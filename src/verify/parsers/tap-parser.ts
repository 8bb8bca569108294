// Reads TAP (Test Anything Protocol) from any producer: node's test runner and node-tap (nesting by
// `# Subtest:`, handed to the node reader), Vitest (`not ok N - name {` blocks), tape (`# test name`
// comments over assertions) and Mocha (`not ok N full title` with indented error lines).
import { parse as parseYaml } from "yaml";
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { failureToFinding, type TestFailure } from "./node-test-failure.ts";
import { parseNodeTestTap } from "./node-test-tap.ts";
import { dedent, outputLines, trimBlankLines } from "./output-text.ts";

const resultLine = /^(\s*)(not ok|ok)\b(?: +\d+)?(?: +-)?(?: +(.*?))?\s*$/;
const counterComment = /^#\s*(tests|suites|pass|fail|skip|skipped|todo|cancelled|ok|duration_ms|time=)\b/i;
const maxRawDiagnosticLines = 80;

type Diagnostics = Omit<TestFailure, "fullName" | "preamble">;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** `at:` is a location (`file:line:col`), a stack frame (`fn (file:line:col)`) or an object. */
function readAt(at: unknown): { declaredAt?: string; frame?: string } {
  if (typeof at === "string") return /^\S+:\d+(:\d+)?$/.test(at) ? { declaredAt: at } : { frame: at };
  const fields = record(at);
  const file = text(fields.fileName ?? fields.file);
  const line = text(fields.lineNumber ?? fields.line);
  if (file === undefined || line === undefined) return {};
  const column = text(fields.columnNumber ?? fields.column);
  return { declaredAt: [file, line, column].filter((part) => part !== undefined).join(":") };
}

/** The fields node, Vitest, tape and node-tap put in a YAML diagnostics block. */
function yamlDiagnostics(block: Record<string, unknown>): Diagnostics {
  const error = block.error;
  const errorFields = record(error);
  const message = typeof error === "string" ? error : text(errorFields.message ?? block.message);
  const { declaredAt, frame } = readAt(block.at ?? block.location);
  const stack = (text(block.stack) ?? "").split("\n").filter((line) => line.trim() !== "");
  return {
    declaredAt: declaredAt?.includes("/node_modules/") ? undefined : declaredAt,
    errorLines: message === undefined ? [] : message.split("\n"),
    errorName: text(errorFields.name ?? block.name),
    stack: frame ? [frame, ...stack] : stack,
    expected: text(block.expected),
    actual: text(block.actual),
  };
}

/** One-line `key: value` pairs of a diagnostics block that is not valid YAML; nesting is flattened. */
function looseYaml(lines: string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const line of lines) {
    const match = /^\s*(message|name|at|location|operator|expected|actual|stack): (.+)$/.exec(line);
    if (!match || match[1]! in fields) continue;
    const value = match[2]!.trim();
    let parsed: unknown = value;
    if (/^".*"$/.test(value)) {
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = value.slice(1, -1);
      }
    }
    // An unclosed quote starts a multi-line value: what it says is lost, the key is not kept.
    if (!/^"/.test(value) || /^".*"$/.test(value)) fields[match[1]!] = parsed;
  }
  return fields;
}

/** Mocha's TAP: the message, then `ErrorName: message` again with the stack under it. */
function rawDiagnostics(lines: string[]): Diagnostics {
  const body = trimBlankLines(dedent(lines));
  const stackStart = body.findIndex((line) => /^\s*at /.test(line));
  const beforeStack = stackStart < 0 ? body : body.slice(0, stackStart);
  const header = beforeStack.findIndex(
    (line, index) => index > 0 && /^\w*(Error|Exception)\b[^:]*: /.test(line),
  );
  const errorName = header < 0 ? undefined : /^(\w+)/.exec(beforeStack[header]!)?.[1];
  return {
    errorLines: header < 0 ? beforeStack : beforeStack.slice(0, header),
    errorName,
    stack: stackStart < 0 ? [] : body.slice(stackStart).map((line) => line.trim()),
  };
}

/** The diagnostics under the result at `index`, and the index of its last line. */
function diagnosticsAfter(
  lines: string[],
  index: number,
  indent: number,
): { diagnostics: Diagnostics; end: number } {
  if (lines[index + 1]?.trim() === "---") {
    let end = index + 2;
    while (end < lines.length && lines[end]!.trim() !== "...") end++;
    const body = dedent(lines.slice(index + 2, end));
    let block: Record<string, unknown>;
    try {
      block = record(parseYaml(body.join("\n")));
    } catch {
      // Vitest writes multi-line values without indenting them, which is not YAML: read key by key.
      block = looseYaml(body);
    }
    return { diagnostics: yamlDiagnostics(block), end };
  }
  let end = index;
  const isBody = (line: string): boolean =>
    line.trim() === "" || (line.length - line.trimStart().length > indent && !resultLine.test(line));
  while (end + 1 < lines.length && end - index < maxRawDiagnosticLines && isBody(lines[end + 1]!)) end++;
  return { diagnostics: rawDiagnostics(lines.slice(index + 1, end + 1)), end };
}

function isFileName(name: string): boolean {
  return /\.[cm]?[jt]sx?$/.test(name) || (name.includes("/") && !name.includes(" "));
}

/** Splits `description # directive {` into its parts. */
function readDescription(raw: string): { name: string; directive: string; opensBlock: boolean } {
  const opensBlock = /\s\{$/.test(raw) || raw === "{";
  const body = opensBlock ? raw.replace(/\s*\{$/, "") : raw;
  const hash = body.search(/(^|\s)#(\s|$)/);
  const name = (hash < 0 ? body : body.slice(0, hash)).trim().replace(/\\([#\\])/g, "$1");
  return { name, directive: hash < 0 ? "" : body.slice(hash).replace(/^\s*#\s*/, ""), opensBlock };
}

/** Findings from TAP that is not node's: brace-nested (Vitest), comment-grouped (tape) or flat. */
function readTap(lines: string[]): Finding[] {
  const findings: Finding[] = [];
  const blocks: { name: string; indent: number }[] = [];
  const childFailed = new Map<number, boolean>();
  let comment: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const indent = line.length - line.trimStart().length;
    if (line.trim() === "}") {
      const closed = blocks.pop();
      if (closed) childFailed.set(closed.indent, false);
      continue;
    }
    if (/^#/.test(line.trim()) && !counterComment.test(line.trim())) {
      comment = line.trim().replace(/^#\s*/, "");
      continue;
    }
    const result = resultLine.exec(line);
    if (!result) continue;
    const { name, directive, opensBlock } = readDescription(result[3] ?? "");
    if (opensBlock) {
      blocks.push({ name, indent });
      childFailed.set(indent, false);
      continue;
    }
    const { diagnostics, end } = diagnosticsAfter(lines, index, indent);
    index = end;
    const isParent = childFailed.get(indent) === true;
    childFailed.set(indent, false);
    if (result[2] === "ok" || /^(todo|skip)\b/i.test(directive) || isParent) continue;
    for (const [level] of childFailed) if (level < indent) childFailed.set(level, true);
    const fileBlock = blocks.find((block, position) => position === 0 && isFileName(block.name));
    const parents = blocks.filter((block) => block !== fileBlock).map((block) => block.name);
    const grouped = blocks.length === 0 && comment !== undefined;
    const fullName = grouped ? comment! : [...parents, name].join(" > ");
    if (grouped && findings.some((finding) => finding.test === fullName)) continue;
    const errorLines = grouped ? [name, ...diagnostics.errorLines] : diagnostics.errorLines;
    const finding = failureToFinding({ ...diagnostics, errorLines, fullName, preamble: [] });
    const fileHint = fileBlock?.name ?? (isFileName(name) ? name : undefined);
    if (finding.file === undefined && fileHint !== undefined) finding.file = fileHint;
    findings.push(finding);
  }
  return findings;
}

/** Failing tests from TAP output of any of the producers above. */
export function parseTapOutput(output: string): Finding[] {
  const lines = outputLines(output);
  if (lines.some((line) => /^\s*# Subtest: /.test(line))) return parseNodeTestTap(lines);
  return readTap(lines);
}

export const tapParser: OutputParser = {
  name: "tap",
  parse: (output) => parseTapOutput(output),
};
