// The parser for `go build` and `go test`: compile errors (file:line:col) and failing tests
// (`--- FAIL: TestName`, the lines each test logged, panics), plus errors of the go command itself.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { goDiagnosticFinding, readGoCommandErrors, readGoDiagnostics } from "./go-diagnostics.ts";
import { readGoTestFailures } from "./go-test-failures.ts";
import { outputLines } from "./output-text.ts";
import { uniqueFindings } from "./unique-findings.ts";

/** Compile errors first (a package that does not build runs no tests), then failing tests. */
export function parseGoOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const tests = readGoTestFailures(lines);
  const outsideTests = lines.map((line, index) => (tests.consumed.has(index) ? "" : line));
  const compile = readGoDiagnostics(outsideTests).map((diagnostic) =>
    goDiagnosticFinding(diagnostic, "compile"),
  );
  const findings = [...compile, ...tests.findings];
  if (findings.length === 0) findings.push(...readGoCommandErrors(outsideTests));
  return uniqueFindings(findings);
}

export const goParser: OutputParser = {
  name: "go",
  parse: (output) => parseGoOutput(output),
};
