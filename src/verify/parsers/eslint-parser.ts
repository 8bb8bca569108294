// Reads ESLint's default `stylish` format (a file line, then `line:col  error  message  rule` under
// it) and its `--format json` output. Errors are reported; warnings only when there is no error
// (a lint script with `--max-warnings 0` fails on them).
import { z } from "zod";
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, isRunnerNoise, outputLines } from "./output-text.ts";

const problemLine = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$/;
/** A rule id: `eqeqeq`, `no-unused-vars`, `@typescript-eslint/no-explicit-any`, `react/jsx-key`. */
const ruleId = /^(@[\w.-]+\/)?[\w.-]+(\/[\w.-]+)*$/;
const maxMessageChars = 400;

const EslintJson = z.array(
  z.object({
    filePath: z.string(),
    messages: z.array(
      z.object({
        ruleId: z.string().nullable().optional(),
        severity: z.number(),
        message: z.string(),
        line: z.number().optional(),
        column: z.number().optional(),
        fatal: z.boolean().optional(),
      }),
    ),
  }),
);

interface Problem {
  finding: Finding;
  severity: "error" | "warning";
}

function kindOf(message: string, fatal: boolean): Finding["kind"] {
  return fatal || message.startsWith("Parsing error") ? "compile" : "lint";
}

/** `message  rule` → both; the rule column is absent for parsing errors. */
function splitMessage(text: string): { message: string; rule?: string } {
  const match = /^(.*?)\s{2,}(\S+)$/.exec(text.trim());
  if (match && ruleId.test(match[2]!)) return { message: match[1]!.trim(), rule: match[2]! };
  return { message: text.trim() };
}

function readStylish(lines: string[]): Problem[] {
  const problems: Problem[] = [];
  let file: string | undefined;
  for (const line of lines) {
    const problem = problemLine.exec(line);
    if (problem && file !== undefined) {
      const { message, rule } = splitMessage(problem[4]!);
      const finding: Finding = {
        kind: kindOf(message, false),
        file,
        line: Number(problem[1]),
        column: Number(problem[2]),
        message: clip(message, maxMessageChars),
      };
      if (rule) finding.rule = rule;
      problems.push({ finding, severity: problem[3] as Problem["severity"] });
      continue;
    }
    // A file line is flush left and names a file; the "✖ 4 problems" total is not one.
    if (/^\S/.test(line) && !/^✖ /.test(line) && !isRunnerNoise(line)) file = line.trim();
  }
  return problems;
}

/** The JSON array ESLint printed, when it is on a line of its own. */
function readJson(lines: string[]): Problem[] | undefined {
  const line = lines.find((candidate) => /^\[(\{"filePath"|\])/.test(candidate.trim()));
  if (line === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = EslintJson.safeParse(value);
  if (!parsed.success) return undefined;
  return parsed.data.flatMap((file) =>
    file.messages.map((message) => {
      const finding: Finding = {
        kind: kindOf(message.message, message.fatal === true),
        file: file.filePath,
        message: clip(message.message, maxMessageChars),
      };
      if (message.line !== undefined) finding.line = message.line;
      if (message.column !== undefined) finding.column = message.column;
      if (message.ruleId) finding.rule = message.ruleId;
      return { finding, severity: message.severity >= 2 ? "error" : "warning" } satisfies Problem;
    }),
  );
}

/** Lint findings from ESLint output, stylish or JSON. */
export function parseEslintOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const problems = readJson(lines) ?? readStylish(lines);
  const errors = problems.filter((problem) => problem.severity === "error");
  if (errors.length > 0) return errors.map((problem) => problem.finding);
  return problems.map((problem) => ({ ...problem.finding, severity: "warning" }));
}

export const eslintParser: OutputParser = {
  name: "eslint",
  parse: (output) => parseEslintOutput(output),
};
