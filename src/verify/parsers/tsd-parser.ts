// The parser for tsd (type tests of a package's .d.ts) in its pretty formatter's layout: a
// `  file:line:col` header, then `  ✖  line:col  message` (or `⚠` for a warning) under it, each a
// type finding at that file and line. A rule id after the message (xo's layout) makes it lint.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, outputLines } from "./output-text.ts";

const fileHeader = /^[ \t]{2}(\S[^\t]*?\.[cm]?[jt]sx?):(\d+):(\d+)[ \t]*$/;
const problemLine = /^[ \t]+([✖⚠])[ \t]{2}(\d+):(\d+)[ \t]{2,}(\S.*?)[ \t]*$/;
/** `message  rule-id` as the pretty formatter prints a lint rule; tsd's type errors have none. */
const trailingRule = /^(.*\S)[ \t]{2,}((?:@[\w-]+\/)?[\w-]+(?:\/[\w-]+)*)$/;
const maxMessageChars = 400;

/** One finding per `✖`/`⚠` line under a file header; lines before any header are not read. */
export function parseTsdOutput(output: string): Finding[] {
  const findings: Finding[] = [];
  let file: string | undefined;
  for (const line of outputLines(output)) {
    const header = fileHeader.exec(line);
    if (header) {
      file = header[1]!;
      continue;
    }
    const problem = problemLine.exec(line);
    if (!problem) {
      if (line.trim() === "" || /^\S/.test(line)) file = undefined;
      continue;
    }
    if (file === undefined) continue;
    const ruled = trailingRule.exec(problem[4]!);
    const finding: Finding = {
      kind: ruled ? "lint" : "type",
      file,
      line: Number(problem[2]),
      column: Number(problem[3]),
      message: clip(ruled ? ruled[1]! : problem[4]!, maxMessageChars),
    };
    if (ruled) finding.rule = ruled[2]!;
    if (problem[1] === "⚠") finding.severity = "warning";
    findings.push(finding);
  }
  return findings;
}

export const tsdParser: OutputParser = {
  name: "tsd",
  parse: (output) => parseTsdOutput(output),
};
