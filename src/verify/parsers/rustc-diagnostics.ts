// Reads the diagnostics rustc and clippy print through cargo in their default (human) format:
// `error[E0308]: message`, then ` --> src/lib.rs:3:5`, then the code frame with its labels and
// `= help:` / `= note:` lines. Cargo's own `error: …` lines without a location are kept apart.
import type { Finding, FindingKind } from "../../core/finding.ts";
import { clip, dedent, trimBlankLines } from "./output-text.ts";

export interface RustDiagnostic {
  level: "error" | "warning";
  finding: Finding;
}

const header = /^(error|warning)(?:\[([\w:]+)\])?: (.+)$/;
const location = /^\s*--> (.+?):(\d+):(\d+)$/;
/** `#[deny(clippy::approx_constant)]` on by default, or `-D clippy::x` implied by `-D warnings`. */
const lintAttribute = /#\[(?:deny|warn|forbid)\(([\w:]+)\)\]|`-[DW] ([\w:]+)` implied by/;
/** A code frame's gutter with nothing after it: spacing, not content. */
const emptyGutter = /^\s*\|\s*$/;
const moreInformationLink = /for further information visit https?:\/\//;
/** Cargo's closing lines, which say that something failed but never what. */
const cargoBoilerplate = [
  /^could not compile /,
  /^aborting due to /,
  /^build failed, waiting for other jobs/,
  /^test failed, to rerun pass /,
  /^\d+ targets? failed:?$/,
  /generated \d+ warnings?/,
  /^Some errors have detailed explanations/,
  /^unused manifest key/,
];
const maxContextLines = 10;
const maxMessageChars = 400;

function isBoilerplate(message: string): boolean {
  return cargoBoilerplate.some((pattern) => pattern.test(message));
}

function lintName(body: string[]): string | undefined {
  for (const line of body) {
    const match = lintAttribute.exec(line);
    if (match) return match[1] ?? match[2];
  }
  return undefined;
}

/** The lines that belong to the diagnostic starting at `start`: up to a blank line or a new header. */
function bodyOf(lines: string[], start: number): string[] {
  const body: string[] = [];
  for (let index = start; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === "" || header.test(line)) break;
    body.push(line);
  }
  return body;
}

/** A located diagnostic, or undefined when the header has no `-->` line under it. */
function locatedDiagnostic(
  level: "error" | "warning",
  code: string | undefined,
  message: string,
  body: string[],
): RustDiagnostic | undefined {
  const where = body.length > 0 ? location.exec(body[0]!) : null;
  if (!where) return undefined;
  const lint = lintName(body) ?? (code?.startsWith("clippy::") ? code : undefined);
  const kind: FindingKind = lint ? "lint" : "compile";
  const kept = body
    .slice(1)
    .filter(
      (line) => !moreInformationLink.test(line) && !lintAttribute.test(line) && !emptyGutter.test(line),
    );
  const finding: Finding = {
    kind,
    file: where[1]!,
    line: Number(where[2]),
    column: Number(where[3]),
    message: clip(message, maxMessageChars),
  };
  const rule = lint ?? code;
  if (rule) finding.rule = rule;
  const context = trimBlankLines(dedent(kept)).slice(0, maxContextLines);
  if (context.length > 0) finding.context = context.join("\n");
  return { level, finding };
}

/** A cargo error without a location (a bad manifest, a missing dependency), or undefined for boilerplate. */
function cargoError(message: string, body: string[]): RustDiagnostic | undefined {
  if (isBoilerplate(message)) return undefined;
  const finding: Finding = { kind: "build", message: clip(message, maxMessageChars) };
  const context = trimBlankLines(dedent(body)).slice(0, maxContextLines);
  if (context.length > 0) finding.context = context.join("\n");
  return { level: "error", finding };
}

/**
 * Every diagnostic in `lines`. Located errors and warnings come from rustc or clippy; unlocated
 * `error:` lines from cargo itself, with the `Caused by:` lines that follow them as context.
 */
export function readRustDiagnostics(lines: string[]): RustDiagnostic[] {
  const diagnostics: RustDiagnostic[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = header.exec(lines[index]!);
    if (!match) continue;
    const level = match[1] as "error" | "warning";
    const body = bodyOf(lines, index + 1);
    const located = locatedDiagnostic(level, match[2], match[3]!, body);
    if (located) {
      diagnostics.push(located);
      index += body.length;
      continue;
    }
    if (level === "error") {
      const causes = causedBy(lines, index + 1);
      const unlocated = cargoError(match[3]!, causes);
      if (unlocated) diagnostics.push(unlocated);
    }
  }
  return diagnostics;
}

/** The `Caused by:` block right after a cargo error, without the heading. */
export function causedBy(lines: string[], start: number): string[] {
  let index = start;
  while (index < lines.length && lines[index]!.trim() === "") index++;
  if (lines[index]?.trim() !== "Caused by:") return [];
  const causes: string[] = [];
  for (index++; index < lines.length && /^\s+\S/.test(lines[index]!); index++) causes.push(lines[index]!);
  return causes;
}
