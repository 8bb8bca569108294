// Reads mypy output, `file:line[:col]: error: message  [code]`, with the `note:` lines that follow
// an error kept as its context.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, outputLines } from "./output-text.ts";

// file:line, optional :col and optional :endline:endcol (--show-error-end), then the severity.
const locatedLine = /^(\S.*?):(\d+)(?::(\d+))?(?::\d+:\d+)?: (error|note): (.*)$/;
// An error about a whole file (duplicate module, bad package name) has no line.
const fileLine = /^(\S[^:]*?\.pyi?): (error): (.*)$/;
// The code at the end, found from its own start: `^(.*?)\s+\[…` was quadratic on a run of spaces.
const errorCode = /\s\[([a-z0-9-]+)\]$/;
/** Note lines kept per error. */
const maxNotes = 5;

interface Diagnostic {
  file: string;
  line?: number;
  column?: number;
  severity: string;
  text: string;
}

function readDiagnostic(line: string): Diagnostic | undefined {
  const located = locatedLine.exec(line);
  if (located) {
    const [, file, row, column, severity, text] = located;
    return {
      file: file!,
      line: Number(row),
      column: column === undefined ? undefined : Number(column),
      severity: severity!,
      text: text!,
    };
  }
  const whole = fileLine.exec(line);
  if (whole) return { file: whole[1]!, severity: whole[2]!, text: whole[3]! };
  return undefined;
}

function errorFinding(diagnostic: Diagnostic): Finding {
  const coded = errorCode.exec(diagnostic.text);
  const rule = coded?.[1];
  const finding: Finding = {
    kind: rule === "syntax" ? "compile" : "type",
    file: diagnostic.file,
    message: clip((coded ? diagnostic.text.slice(0, coded.index) : diagnostic.text).trim(), 500),
  };
  if (diagnostic.line !== undefined) finding.line = diagnostic.line;
  if (diagnostic.column !== undefined) finding.column = diagnostic.column;
  if (rule) finding.rule = rule;
  return finding;
}

/** A note as context: bare when it is about the error's own line, else with its location. */
function noteText(note: Diagnostic, error: Finding): string {
  const here = note.file === error.file && note.line === error.line;
  return here ? `note: ${note.text}` : `${note.file}:${note.line ?? ""}: note: ${note.text}`;
}

/** Parse mypy output into one finding per error; notes become the context of the error before them. */
export function parseMypyOutput(output: string): Finding[] {
  const findings: Finding[] = [];
  let notes: string[] = [];
  const flush = (): void => {
    const last = findings.at(-1);
    if (last && notes.length > 0)
      last.context = notes
        .slice(0, maxNotes)
        .map((note) => clip(note, 300))
        .join("\n");
    notes = [];
  };
  for (const line of outputLines(output)) {
    const diagnostic = readDiagnostic(line);
    if (!diagnostic) continue;
    if (diagnostic.severity === "error") {
      flush();
      findings.push(errorFinding(diagnostic));
    } else if (findings.length > 0) {
      notes.push(noteText(diagnostic, findings.at(-1)!));
    }
  }
  flush();
  return findings;
}

export const mypyParser: OutputParser = {
  name: "mypy",
  parse: (output) => parseMypyOutput(output),
};
