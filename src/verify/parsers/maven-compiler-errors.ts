// Reads the compiler errors the Maven compiler plugin prints:
// `[ERROR] /path/File.java:[12,5] message`, with javac's `symbol:` / `location:` detail lines
// under it (bare in the plugin's first listing, prefixed with `[ERROR]` in the second).
import type { Finding } from "../../core/finding.ts";
import { clip } from "./output-text.ts";

const errorLine = /^\[ERROR\] (\S.*?):\[(\d+),(\d+)\] (.+)$/;
const maxContextLines = 6;
const maxMessageChars = 400;

/** The text of a detail line (`  symbol: …` or `[ERROR]   symbol: …`), or undefined for any other line. */
function detailText(line: string): string | undefined {
  const text = line.replace(/^\[ERROR\]/, "");
  return /^\s{2,}\S/.test(text) ? text.trim() : undefined;
}

/** One compile finding per `[ERROR] file:[line,col] message`, repeats included (callers dedupe). */
export function readMavenCompilerErrors(lines: string[]): Finding[] {
  const findings: Finding[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = errorLine.exec(lines[index]!);
    if (!match) continue;
    const details: string[] = [];
    for (let next = index + 1; next < lines.length; next++) {
      const text = detailText(lines[next]!);
      if (text === undefined) break;
      details.push(text);
    }
    const finding: Finding = {
      kind: "compile",
      file: match[1]!,
      line: Number(match[2]),
      column: Number(match[3]),
      message: clip(match[4]!, maxMessageChars),
    };
    if (details.length > 0) finding.context = details.slice(0, maxContextLines).join("\n");
    findings.push(finding);
    index += details.length;
  }
  return findings;
}
