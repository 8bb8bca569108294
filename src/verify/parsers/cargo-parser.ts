// The parser for cargo (check, clippy, build, test): rustc and clippy diagnostics and failing
// tests. It reads cargo's default human format rather than `--message-format=json`: the same
// parser then reads any cargo command a repository declares, `cargo test`'s own results are
// never JSON on stable Rust, the code frame keeps rustc's "expected X, found Y" labels (which
// `--message-format=short` drops), and nothing depends on stdout JSON and stderr text arriving
// interleaved line by line.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { readCargoTestFailures } from "./cargo-test-failures.ts";
import { outputLines } from "./output-text.ts";
import { readRustDiagnostics } from "./rustc-diagnostics.ts";
import { uniqueFindings } from "./unique-findings.ts";

/**
 * Findings from cargo output: errors and failing tests; warnings only when there is neither (a
 * passing check's lints, or a failure cargo explains only in warnings), so they never bury an error.
 */
export function parseCargoOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const tests = readCargoTestFailures(lines);
  // A test's own output may print "error: …"; it is the test's message, not a diagnostic.
  const outsideTests = [...lines];
  for (const { start, end } of tests.blocks) outsideTests.fill("", start, end);
  const diagnostics = readRustDiagnostics(outsideTests);
  const errors = diagnostics.filter((diagnostic) => diagnostic.level === "error").map((d) => d.finding);
  const failures = [...errors, ...tests.findings];
  if (failures.length > 0) return uniqueFindings(failures);
  return uniqueFindings(
    diagnostics.map(({ level, finding }) =>
      level === "warning" ? { ...finding, severity: level } : finding,
    ),
  );
}

export const cargoParser: OutputParser = {
  name: "cargo",
  parse: (output) => parseCargoOutput(output),
};
