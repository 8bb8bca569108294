// Reads AVA's default reporter: `✘ [fail]: file › title message` lines (AVA 3: `✖ title`), then
// one block per failure between `─` rules with the title, `file:line`, a code frame, the message,
// AVA's `Difference (- actual, + expected):` (AVA 3: `Difference:`) and the stack.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, dedent, outputLines, trimBlankLines } from "./output-text.ts";

const failLine = /^\s*✘ \[fail\]: (.+)$/;
/** AVA 3's mark, read only above the first rule: one space, then the title (tsd's `✖  1:2` has two). */
const olderFailLine = /^\s*✖ (\S.*)$/;
const ruleLine = /^\s*─\s*$/;
const locationLine = /^((?:\/|\.{0,2}\/?)?[\w@.+/-]+\.[cm]?[jt]sx?):(\d+)$/;
const pointerLine = /^› (?:file:\/\/)?(\S+?):(\d+):(\d+)$/;
const stackFrame = /^at (?:.*\()?(?:file:\/\/)?([^\s()]+):(\d+):(\d+)\)?$/;
const errorLine = /^(\w*Error): (.+)$/;
const codeFrameLine = /^\d+: /;
const maxContextLines = 12;

/** The failure's title and the rest of its `✘` line (AVA appends the assertion's message). */
function splitFailLine(text: string, titles: string[]): { title: string; extra: string } {
  const title = titles.find((candidate) => text === candidate || text.startsWith(`${candidate} `));
  return title ? { title, extra: text.slice(title.length).trim() } : { title: text, extra: "" };
}

/** Blocks between the rules, keyed by their first line (the test's title). */
function readBlocks(lines: string[]): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  const first = lines.findIndex((line) => ruleLine.test(line));
  if (first < 0) return blocks;
  let current: string[] | undefined;
  let blank = 0;
  for (const raw of lines.slice(first + 1)) {
    if (ruleLine.test(raw)) break;
    const line = raw.trim();
    if (line === "") {
      blank++;
      current?.push("");
      continue;
    }
    // A title follows two or more blank lines (or opens the section); everything else is body.
    if (!current || blank >= 2) {
      current = [];
      blocks.set(line, current);
    } else current.push(raw);
    blank = 0;
  }
  return blocks;
}

function locationOf(body: string[]): Pick<Finding, "file" | "line" | "column"> {
  for (const raw of body) {
    const line = raw.trim();
    const match = locationLine.exec(line) ?? pointerLine.exec(line) ?? stackFrame.exec(line);
    if (match && !match[1]!.includes("node_modules"))
      return { file: match[1]!, line: Number(match[2]), ...(match[3] ? { column: Number(match[3]) } : {}) };
  }
  return {};
}

/** AVA's difference block: `- actual` and `+ expected` lines, and the value it summarises to. */
function differenceOf(body: string[]): { lines: string[]; values?: string } {
  const start = body.findIndex((line) => /^Difference(?: \(- actual, \+ expected\))?:$/.test(line.trim()));
  if (start < 0) return { lines: [] };
  const lines = trimBlankLines(body.slice(start + 1));
  const end = lines.findIndex((line) => line.trim().startsWith("›") || line.trim() === "");
  const diff = dedent(end < 0 ? lines : lines.slice(0, end));
  const actual = diff.filter((line) => line.startsWith("- "));
  const expected = diff.filter((line) => line.startsWith("+ "));
  const values =
    diff.length === 2 && actual.length === 1 && expected.length === 1
      ? `expected ${expected[0]!.slice(2)}, actual ${actual[0]!.slice(2)}`
      : undefined;
  return { lines: diff, values };
}

/** What the block says apart from where: no location, code frame, pointer, stack or blank line. */
function explanationOf(body: string[]): string[] {
  return body
    .map((line) => line.trim())
    .filter(
      (line) =>
        line !== "" && !codeFrameLine.test(line) && !/^(›|at )/.test(line) && !locationLine.test(line),
    );
}

/** The failed tests' lines: AVA 6's anywhere, AVA 3's in the list above the first rule. */
function failureTexts(lines: string[]): string[] {
  const rule = lines.findIndex((line) => ruleLine.test(line));
  return lines
    .map((line, index) => (failLine.exec(line) ?? (index < rule ? olderFailLine.exec(line) : null))?.[1])
    .filter((text) => text !== undefined)
    .map((text) => text.trimEnd());
}

/** One finding per failed AVA test. */
export function parseAvaOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const failures = failureTexts(lines);
  if (failures.length === 0) return [];
  const blocks = readBlocks(lines);
  const titles = [...blocks.keys()];
  return failures.map((text) => {
    const { title, extra } = splitFailLine(text, titles);
    const body = blocks.get(title) ?? [];
    const difference = differenceOf(body);
    const explanation = explanationOf(body);
    const thrown = explanation.map((line) => errorLine.exec(line)).find((match) => match !== null);
    // "Value must match expression:" says what on the next line.
    const said = explanation[0]?.startsWith("Difference")
      ? undefined
      : explanation[0]?.endsWith(":")
        ? `${explanation[0]} ${explanation[1] ?? ""}`.trim()
        : explanation[0];
    const reason = thrown ? `${thrown[1]}: ${thrown[2]}` : extra || said;
    const message = [reason, difference.values].filter(Boolean).join(": ") || "failed";
    const finding: Finding = { kind: "test", test: title, message: clip(message, 400), ...locationOf(body) };
    const context = difference.lines.length > 0 ? difference.lines : explanation;
    const kept = trimBlankLines(context).slice(0, maxContextLines);
    if (kept.length > 0) finding.context = kept.join("\n");
    return finding;
  });
}

export const avaParser: OutputParser = {
  name: "ava",
  parse: (output) => parseAvaOutput(output),
};
