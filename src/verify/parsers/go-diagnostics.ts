// Reads what the go command prints for a package that does not build or does not pass vet:
// `# package` headers, then `file.go:line:col: message` (with `vet: ` before type errors that go
// vet hit), tab-indented detail lines (`have (int)` / `want (string)`), and `go: …` errors of the
// go command itself (a missing module, a go.mod that needs tidying).
import type { Finding } from "../../core/finding.ts";
import { clip, dedent } from "./output-text.ts";

export interface GoDiagnostic {
  /** True when go vet prefixed it with `vet: `: the package did not type-check. */
  fromVetTypeCheck: boolean;
  file: string;
  line: number;
  column?: number;
  message: string;
  context: string[];
}

const diagnosticLine = /^(vet: )?(\S+?\.go):(\d+)(?::(\d+))?: (.+)$/;
const goCommandError = /^go: (.+)$/;
/** `go: downloading …` and friends are progress, not errors. */
const goProgress = /^go: (downloading|finding|extracting) /;
const maxContextLines = 8;
const maxMessageChars = 400;

/** Tab-indented lines after `index`: the diagnostic's details. */
function detailLines(lines: string[], index: number): string[] {
  const details: string[] = [];
  for (let next = index + 1; next < lines.length && lines[next]!.startsWith("\t"); next++) {
    details.push(lines[next]!);
  }
  return details;
}

/** Every `file.go:line:col: message` diagnostic in `lines`, in order. */
export function readGoDiagnostics(lines: string[]): GoDiagnostic[] {
  const diagnostics: GoDiagnostic[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = diagnosticLine.exec(lines[index]!);
    if (!match) continue;
    const context = detailLines(lines, index);
    diagnostics.push({
      fromVetTypeCheck: match[1] !== undefined,
      file: match[2]!,
      line: Number(match[3]),
      column: match[4] === undefined ? undefined : Number(match[4]),
      message: clip(match[5]!, maxMessageChars),
      context: dedent(context).slice(0, maxContextLines),
    });
    index += context.length;
  }
  return diagnostics;
}

/** Errors of the go command itself (`go: …`), as build findings. */
export function readGoCommandErrors(lines: string[]): Finding[] {
  const findings: Finding[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const match = goCommandError.exec(line);
    if (!match || goProgress.test(line)) continue;
    const context = detailLines(lines, index);
    const finding: Finding = { kind: "build", message: clip(match[1]!, maxMessageChars) };
    if (context.length > 0) finding.context = dedent(context).slice(0, maxContextLines).join("\n");
    findings.push(finding);
    index += context.length;
  }
  return findings;
}

/** A diagnostic as a Finding of `kind`. */
export function goDiagnosticFinding(diagnostic: GoDiagnostic, kind: Finding["kind"]): Finding {
  const finding: Finding = {
    kind,
    file: diagnostic.file,
    line: diagnostic.line,
    message: diagnostic.message,
  };
  if (diagnostic.column !== undefined) finding.column = diagnostic.column;
  if (diagnostic.context.length > 0) finding.context = diagnostic.context.join("\n");
  return finding;
}
