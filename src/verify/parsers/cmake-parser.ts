// Reads CMake output: configure-time `CMake Error at CMakeLists.txt:12 (command):` blocks (and
// warnings), and — as `cmake --build` runs the compiler — GCC and Clang diagnostics.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { parseCompilerOutput } from "./gcc-parser.ts";
import { clip, dedent, outputLines, trimBlankLines } from "./output-text.ts";

/** `CMake Error at CMakeLists.txt:3 (find_package):`, `CMake Warning (dev) in x.cmake:`, `CMake Error: …`. */
const blockHeader =
  /^CMake (Error|Warning|Deprecation Warning|Deprecation Error)(?: \(dev\))?(?: (?:at|in) (.+?)(?::(\d+))?(?: \(([\w.-]+)\))?)?:\s*(.*)$/;
const maxContextLines = 8;
const maxMessageChars = 400;

/** The indented lines under a header, up to the first line that is not indented (blank lines inside). */
function blockBody(lines: string[], start: number): string[] {
  const body: string[] = [];
  for (let index = start; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() !== "" && !/^\s/.test(line)) break;
    body.push(line);
  }
  return body;
}

/** One finding per CMake message block: errors, and warnings with their severity. */
export function parseCmakeMessages(output: string): Finding[] {
  const lines = outputLines(output);
  const findings: Finding[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = blockHeader.exec(lines[index]!);
    if (!match) continue;
    const [, level, file, row, command, rest] = match;
    const body = trimBlankLines(dedent(blockBody(lines, index + 1)));
    index += body.length;
    // The first paragraph is the message; what follows (names tried, call stack) is context.
    const paragraphEnd = body.findIndex((line) => line.trim() === "");
    const first = paragraphEnd < 0 ? body : body.slice(0, paragraphEnd);
    const message = [rest, ...first]
      .map((line) => line?.trim())
      .filter(Boolean)
      .join(" ");
    const finding: Finding = { kind: "build", message: clip(message || `CMake ${level}`, maxMessageChars) };
    if (level!.includes("Warning")) finding.severity = "warning";
    if (file !== undefined) finding.file = file;
    if (row !== undefined) finding.line = Number(row);
    if (command !== undefined) finding.rule = command;
    const context =
      paragraphEnd < 0 ? [] : trimBlankLines(body.slice(paragraphEnd)).slice(0, maxContextLines);
    if (context.length > 0) finding.context = context.join("\n");
    findings.push(finding);
  }
  return findings;
}

/** CMake's own errors, then the compiler's findings, then every warning. */
export function parseCmakeOutput(output: string): Finding[] {
  const all = [...parseCmakeMessages(output), ...parseCompilerOutput(output)];
  return [
    ...all.filter((finding) => finding.severity !== "warning"),
    ...all.filter((finding) => finding.severity === "warning"),
  ];
}

export const cmakeParser: OutputParser = {
  name: "cmake",
  parse: (output) => parseCmakeOutput(output),
};
