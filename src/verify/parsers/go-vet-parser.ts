// The parser for `go vet`: each report is a lint finding at file:line:col, except the `vet: `
// lines, which say the package did not type-check (a compile error vet cannot look past).
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { goDiagnosticFinding, readGoCommandErrors, readGoDiagnostics } from "./go-diagnostics.ts";
import { outputLines } from "./output-text.ts";
import { uniqueFindings } from "./unique-findings.ts";

export function parseGoVetOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const findings = readGoDiagnostics(lines).map((diagnostic) =>
    goDiagnosticFinding(diagnostic, diagnostic.fromVetTypeCheck ? "compile" : "lint"),
  );
  if (findings.length === 0) findings.push(...readGoCommandErrors(lines));
  return uniqueFindings(findings);
}

export const goVetParser: OutputParser = {
  name: "go-vet",
  parse: (output) => parseGoVetOutput(output),
};
