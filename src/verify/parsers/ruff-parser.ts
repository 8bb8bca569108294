// Reads `ruff check` output: the concise form `file:line:col: CODE [*] message` (what detected
// checks ask for), and the full form — `CODE [*] message` then ` --> file:line:col` and a code frame.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, outputLines } from "./output-text.ts";

/** `F401`, `E501`, `PLR0913`, `RUF100`: letters then digits. */
const ruleCode = "[A-Z]+[0-9]+";
/** How ruff names a file it cannot parse, new (`invalid-syntax`) and old (`SyntaxError`). */
const syntaxCode = "invalid-syntax|SyntaxError";
const conciseLine = new RegExp(
  `^(\\S.*?):(\\d+):(\\d+): (?:(${ruleCode})(?: \\[\\*\\])? (.*)|(${syntaxCode}):? (.*))$`,
);
const fullHeader = new RegExp(`^(?:(${ruleCode})(?: \\[\\*\\])? (.*)|(${syntaxCode}):? (.*))$`);
const fullArrow = /^\s*--> (\S.*?):(\d+):(\d+)$/;
/** Code-frame lines kept per problem in the full form. */
const maxContextLines = 6;

function finding(
  file: string,
  line: string,
  column: string,
  rule: string | undefined,
  message: string,
): Finding {
  const isSyntax = rule === undefined;
  return {
    kind: isSyntax ? "compile" : "lint",
    file,
    line: Number(line),
    column: Number(column),
    ...(isSyntax ? {} : { rule }),
    message: clip(message.trim(), 500),
  };
}

/** The rule and message of a header whose groups are (code, message, syntax name, syntax message). */
function ruleAndMessage(groups: (string | undefined)[]): { rule?: string; message: string } {
  const [code, message, syntax, syntaxMessage] = groups;
  if (code) return { rule: code, message: message! };
  return { message: `${syntax === "SyntaxError" ? "SyntaxError: " : ""}${syntaxMessage}` };
}

/** The code frame under a full-form header: lines up to the next blank line. */
function frameAfter(lines: string[], start: number): string[] {
  const frame: string[] = [];
  for (let index = start; index < lines.length && lines[index]!.trim() !== ""; index++) {
    frame.push(lines[index]!.trimEnd());
  }
  return frame.slice(0, maxContextLines);
}

/** Parse ruff check output into one finding per problem, lint or syntax. */
export function parseRuffOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const findings: Finding[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const concise = conciseLine.exec(line);
    if (concise) {
      const [, file, row, column, ...groups] = concise;
      const { rule, message } = ruleAndMessage(groups);
      findings.push(finding(file!, row!, column!, rule, message));
      continue;
    }
    const header = fullHeader.exec(line);
    const arrow = header && index + 1 < lines.length ? fullArrow.exec(lines[index + 1]!) : null;
    if (!header || !arrow) continue;
    const { rule, message } = ruleAndMessage(header.slice(1));
    const found = finding(arrow[1]!, arrow[2]!, arrow[3]!, rule, message);
    const frame = frameAfter(lines, index + 2);
    if (frame.length > 0) found.context = frame.join("\n");
    findings.push(found);
    index++;
  }
  return findings;
}

export const ruffParser: OutputParser = {
  name: "ruff",
  parse: (output) => parseRuffOutput(output),
};
