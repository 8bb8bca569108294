// Reads Biome's `--reporter=github` lines (`::error title=rule,file=…,line=…,col=…::message`) and
// its default reporter (`file:line:col category ━━━` then `× message` and a code frame). Errors
// are reported; warnings only when there is no error. A formatting difference says how to fix it.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, dedent, outputLines, trimBlankLines } from "./output-text.ts";

const githubLine = /^::(error|warning|notice) (.*?)::(.*)$/;
const locatedHeader = /^(\S.*?):(\d+):(\d+) ([\w/.-]+)(?:\s+[A-Z]+)*\s+━+$/;
const fileHeader = /^(\S+) ([\w/.-]+)(?:\s+[A-Z]+)*\s+━+$/;
const severityLine = /^\s*([×✖!⚠i]) (.*)$/;
const maxContextLines = 8;
const maxMessageChars = 400;
const formatHint = "not formatted as Biome wants it: run `biome format --write` on this file";

interface Problem {
  finding: Finding;
  severity: "error" | "warning" | "info";
}

function findingFor(category: string, message: string): Finding {
  const isFormat = category === "format";
  const kind = category.startsWith("parse") ? "compile" : "lint";
  return { kind, rule: category, message: isFormat ? formatHint : clip(message.trim(), maxMessageChars) };
}

/** GitHub workflow commands escape `%`, `,`, `:` and newlines in their properties. */
function unescapeProperty(value: string): string {
  return value.replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%0A/g, "\n").replace(/%25/g, "%");
}

function readGithub(lines: string[]): Problem[] {
  const problems: Problem[] = [];
  for (const line of lines) {
    const match = githubLine.exec(line);
    if (!match) continue;
    const properties = new Map(
      match[2]!.split(",").map((pair) => {
        const [key, ...value] = pair.split("=");
        return [key!.trim(), unescapeProperty(value.join("="))] as const;
      }),
    );
    const finding = findingFor(properties.get("title") ?? "biome", match[3]!.replace(/%0A/g, "\n"));
    const file = properties.get("file");
    if (file) finding.file = file;
    const row = Number(properties.get("line"));
    if (Number.isInteger(row) && row > 0 && finding.rule !== "format") finding.line = row;
    const column = Number(properties.get("col"));
    if (finding.line !== undefined && Number.isInteger(column) && column > 0) finding.column = column;
    problems.push({ finding, severity: match[1] === "notice" ? "info" : (match[1] as Problem["severity"]) });
  }
  return problems;
}

function severityOf(mark: string): Problem["severity"] {
  if (mark === "×" || mark === "✖") return "error";
  return mark === "i" ? "info" : "warning";
}

/** One diagnostic of the default reporter: header, the first marked line, then its code frame. */
function readDiagnostic(header: string, body: string[]): Problem | undefined {
  const located = locatedHeader.exec(header);
  const plain = located ? undefined : fileHeader.exec(header);
  const category = located?.[4] ?? plain?.[2];
  if (!category) return undefined;
  const markIndex = body.findIndex((line) => severityLine.test(line));
  if (markIndex < 0) return undefined;
  const [, mark, message] = severityLine.exec(body[markIndex]!)!;
  const finding = findingFor(category, message!);
  finding.file = located?.[1] ?? plain![1]!;
  if (located) {
    finding.line = Number(located[2]);
    finding.column = Number(located[3]);
  }
  const frameEnd = body.findIndex((line, index) => index > markIndex && severityLine.test(line));
  const frame = dedent(trimBlankLines(body.slice(markIndex + 1, frameEnd < 0 ? undefined : frameEnd)));
  if (frame.length > 0)
    finding.context = frame
      .slice(0, maxContextLines)
      .map((line) => line.trimEnd())
      .join("\n");
  return { finding, severity: severityOf(mark!) };
}

function readDefault(lines: string[]): Problem[] {
  const problems: Problem[] = [];
  let header: string | undefined;
  let body: string[] = [];
  const flush = (): void => {
    const problem = header === undefined ? undefined : readDiagnostic(header, body);
    if (problem) problems.push(problem);
  };
  for (const line of lines) {
    if (/━━━$/.test(line) && /^\S/.test(line)) {
      flush();
      header = line;
      body = [];
    } else if (/^\S/.test(line) && line.trim() !== "") {
      // "Checked 4 files…", "Found 2 errors." and the like end the diagnostic.
      flush();
      header = undefined;
    } else {
      body.push(line);
    }
  }
  flush();
  return problems;
}

/** Lint and format findings from Biome's github or default reporter. */
export function parseBiomeOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const github = readGithub(lines);
  const problems = (github.length > 0 ? github : readDefault(lines)).filter(
    (problem) => problem.severity !== "info",
  );
  const errors = problems.filter((problem) => problem.severity === "error");
  if (errors.length > 0) return errors.map((problem) => problem.finding);
  return problems.map((problem) => ({ ...problem.finding, severity: "warning" }));
}

export const biomeParser: OutputParser = {
  name: "biome",
  parse: (output) => parseBiomeOutput(output),
};
