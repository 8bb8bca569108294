// Guesses which output parser reads a command line, for detected scripts and declared commands
// that name no parser.

/** `node-test` for node's test runner, `tsc` for the TypeScript compiler, else `generic`. */
export function inferParser(commandLine: string): string {
  if (/\bnode\b[^&|;]*\s--test\b/.test(commandLine)) return "node-test";
  if (/(^|[\s/-])tsc\b/.test(commandLine)) return "tsc";
  return "generic";
}
