// Guesses which output parser reads a command line, for detected scripts and declared commands
// that name no parser.

/**
 * Tools by the parser that reads them, first match wins: test runners before linters and tsc, as a
 * script that chains several is most often a test script. A tool may follow a path (`./node_modules/.bin/`).
 */
const toolParsers: readonly { pattern: RegExp; parser: string }[] = [
  { pattern: /\bnode\b[^&|;]*\s--test\b/, parser: "node-test" },
  { pattern: /(^|[\s/])vitest\b/, parser: "vitest" },
  { pattern: /(^|[\s/])jest\b/, parser: "jest" },
  { pattern: /(^|[\s/])mocha\b/, parser: "mocha" },
  { pattern: /(^|[\s/])(tape|tap)(\s|$)/, parser: "tap" },
  { pattern: /(^|[\s/])(pytest|py\.test)\b/, parser: "pytest" },
  { pattern: /(^|[\s/])(eslint|next lint)\b/, parser: "eslint" },
  { pattern: /(^|[\s/])biome\b/, parser: "biome" },
  { pattern: /(^|[\s/-])tsc\b/, parser: "tsc" },
  { pattern: /(^|[\s/])ruff check\b/, parser: "ruff" },
  { pattern: /(^|[\s/])mypy\b/, parser: "mypy" },
  { pattern: /(^|[\s/])cargo\s/, parser: "cargo" },
  { pattern: /(^|[\s/])go\s+vet\b/, parser: "go-vet" },
  { pattern: /(^|[\s/])go\s+(build|test|install|run)\b/, parser: "go" },
  { pattern: /(^|[\s/])mvnw?\s/, parser: "maven" },
  { pattern: /(^|[\s/])gradlew?\s/, parser: "gradle" },
];

/** The parser of the first known tool in `commandLine`, else `generic`. */
export function inferParser(commandLine: string): string {
  return toolParsers.find(({ pattern }) => pattern.test(commandLine))?.parser ?? "generic";
}

/** True when `commandLine` runs the tool that the parser `parser` reads, anywhere in it. */
export function mentionsTool(commandLine: string, parser: string): boolean {
  return toolParsers.some((tool) => tool.parser === parser && tool.pattern.test(commandLine));
}
