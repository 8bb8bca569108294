// Reads GCC and Clang output (`file:line:col: error: …`, `warning:`, `fatal error:`), with each
// diagnostic's notes, code frame and include chain as context, the linker's errors with the object
// and function they come from, and make's or ninja's failed target as a low-priority warning when
// nothing else explains the failure.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { type BuildLine, readBuildLine } from "./build-tool-lines.ts";
import { outputLines } from "./output-text.ts";

const header = /^(\S.*?):(\d+):(?:(\d+):)? (fatal error|error|warning|note): (.*)$/;
/** `In file included from main.c:2:` and the `                 from util.h:3,` lines under it. */
const includeLine = /^(?:In file included from|\s+from) \S+?:\d+(?::\d+)?[:,]$/;
/** `main.c: In function ‘main’:` and the other scopes GCC names before a group of diagnostics. */
const scopeLine =
  /^\S[^:]*: (?:In (?:static |member |)function|In constructor|In destructor|In lambda|In instantiation of|At global scope|At top level).*:$/;
/** `tmpl.cpp:5:15:   required from here`: where a template was instantiated, before its error. */
const requiredFromLine = /^\S[^:]*:\d+:\d+: +required (?:from|by) /;
/** GCC's code frame: `    6 |   char *s = 5;` and `      |   ^`. */
const gutterLine = /^\s*\d*\s\|/;
/** Clang's caret line under the source line it points into. */
const caretLine = /^[\s~]*\^[\s~^]*$/;
const maxContextLines = 8;

/** The lines of a diagnostic's code frame starting at `start`, as GCC or Clang prints it. */
function frameAt(lines: string[], start: number): string[] {
  const frame: string[] = [];
  for (let index = start; index < lines.length && frame.length < maxContextLines; index++) {
    const line = lines[index]!;
    if (gutterLine.test(line) || caretLine.test(line)) frame.push(line);
    else if (index + 1 < lines.length && caretLine.test(lines[index + 1]!) && !header.test(line))
      frame.push(line);
    else break;
  }
  return frame;
}

/** `-Werror=format` and `-Werror,-Wformat` name the same option as `-Wformat`. */
function optionOf(message: string): { message: string; rule?: string } {
  // The warning option ends the message: `[-Wunused-variable]`, `[-Werror,-Wformat]`. Found by
  // position rather than a regex, which a long run of spaces would make quadratic.
  const open = message.lastIndexOf(" [-W");
  const option = open < 0 || !message.endsWith("]") ? "" : message.slice(open + 2, -1);
  if (option === "" || /[\s\]]/.test(option)) return { message };
  const last = option
    .split(",")
    .at(-1)!
    .replace(/^-Werror=/, "-W");
  return { message: message.slice(0, open).trimEnd(), rule: last };
}

function addContext(finding: Finding, lines: string[]): void {
  const kept = [...(finding.context ? finding.context.split("\n") : []), ...lines].slice(0, maxContextLines);
  if (kept.length > 0) finding.context = kept.join("\n");
}

interface State {
  findings: Finding[];
  /** Include chain and scope lines waiting for the next diagnostic. */
  preamble: string[];
  /** The last error or warning, which a following `note:` belongs to. */
  last?: Finding;
  linker?: { object: string; symbol: string };
  failedTargets: string[];
}

function onDiagnostic(state: State, match: RegExpExecArray, frame: string[], line: string): void {
  const [, file, row, column, level, text] = match;
  if (level === "note") {
    if (state.last) addContext(state.last, [line.trim(), ...frame]);
    return;
  }
  const { message, rule } = optionOf(text!);
  const finding: Finding = { kind: "compile", file: file!.replace(/^\.\//, ""), line: Number(row), message };
  if (level === "warning") finding.severity = "warning";
  if (column !== undefined) finding.column = Number(column);
  if (rule) finding.rule = rule;
  addContext(finding, [...state.preamble, ...frame]);
  state.preamble = [];
  state.findings.push(finding);
  state.last = finding;
}

function onBuildLine(state: State, build: BuildLine): void {
  if (build.kind === "linker-scope") state.linker = { object: build.object, symbol: build.symbol };
  else if (build.kind === "target-failed") state.failedTargets.push(build.text);
  else if (build.kind === "lld-reference" && state.last?.kind === "build" && state.last.file === undefined) {
    state.last.file = build.file;
    state.last.line = build.line;
  } else if (build.kind === "finding") {
    const finding = { ...build.finding };
    if (state.linker && /^(undefined reference|multiple definition)/.test(finding.message))
      finding.message += ` (in function ${state.linker.symbol}, ${state.linker.object})`;
    state.findings.push(finding);
    state.last = finding;
  }
}

/** Findings of a C or C++ build's output: errors first, then warnings, then the failed target. */
export function parseCompilerOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const state: State = { findings: [], preamble: [], failedTargets: [] };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (includeLine.test(line) || scopeLine.test(line) || requiredFromLine.test(line)) {
      // A new include chain starts a new preamble; a scope line after it belongs to the same one.
      if (line.startsWith("In file included from")) state.preamble = [];
      state.preamble.push(line.trim());
      continue;
    }
    const diagnostic = header.exec(line);
    if (diagnostic) {
      const frame = frameAt(lines, index + 1);
      index += frame.length;
      onDiagnostic(state, diagnostic, frame, line);
      continue;
    }
    const build = readBuildLine(line);
    if (build) onBuildLine(state, build);
  }
  const errors = state.findings.filter((finding) => finding.severity !== "warning");
  const warnings = state.findings.filter((finding) => finding.severity === "warning");
  const target = state.failedTargets[0];
  // Which target failed says nothing about why: beside an error it is noise. Alone it is a warning
  // (a warning never explains a failure, so the output's tail is shown with it).
  const targetNote: Finding[] =
    target && errors.length === 0
      ? [{ kind: "build", severity: "warning", message: `build step failed: ${target}` }]
      : [];
  return [...errors, ...warnings, ...targetNote];
}

export const gccParser: OutputParser = {
  name: "gcc",
  parse: (output) => parseCompilerOutput(output),
};
