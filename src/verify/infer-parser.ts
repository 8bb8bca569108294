// Guesses which output parser reads a command line, for detected scripts and declared commands
// that name no parser: a known tool's own parser, or `auto` (recognise the tools from the output)
// when the line hands the work to something else or chains several tools.

/**
 * Tools by the parser that reads them, first match wins: test runners before linters and tsc, as a
 * script that chains several is most often a test script. A tool may follow a path (`./node_modules/.bin/`).
 */
const toolParsers: readonly { pattern: RegExp; parser: string }[] = [
  { pattern: /\bnode\b[^&|;]*\s--test\b/, parser: "node-test" },
  { pattern: /(^|[\s/])vitest\b/, parser: "vitest" },
  { pattern: /(^|[\s/])jest\b/, parser: "jest" },
  { pattern: /(^|[\s/])mocha\b/, parser: "mocha" },
  { pattern: /(^|[\s/])ava(\s|$)/, parser: "ava" },
  { pattern: /(^|[\s/])tsd(\s|$)/, parser: "tsd" },
  { pattern: /(^|[\s/])xo(\s|$)/, parser: "xo" },
  // Not `--reporter tap` (Mocha, node --test-reporter): that is the format, not the runner.
  { pattern: /(?<!reporter|-R)(^|[\s/])tap(\s|$)/, parser: "node-tap" },
  { pattern: /(^|[\s/])tape(\s|$)/, parser: "tap" },
  { pattern: /(^|[\s/])(pytest|py\.test)\b/, parser: "pytest" },
  { pattern: /(^|\s)-m\s+unittest\b|(^|[\s/])unittest\s+discover\b/, parser: "unittest" },
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
  { pattern: /(^|[\s/])ctest\b/, parser: "ctest" },
  { pattern: /(^|[\s/])cmake\s/, parser: "cmake" },
  { pattern: /(^|[\s/])(gcc|g\+\+|clang|clang\+\+|cc|c\+\+)(-\d+)?\s/, parser: "gcc" },
];

/**
 * Commands that run other commands whose output the line does not show: scripts of a package
 * manager, script runners and task runners, make, shell scripts. (Coverage wrappers such as c8 and
 * nyc are not among them: the tool they wrap is on the same line.)
 */
const dispatchers: readonly RegExp[] = [
  /(^|[\s/])(npm|pnpm|yarn|bun)\s+(run|run-script|test|t|tst|-r|--recursive|-w|--workspaces?|workspaces?|--filter)\b/,
  /(^|[\s/])(npm-run-all2?|run-s|run-p|ts-scripts|turbo|nx|lerna|concurrently|wireit|ultra)\b/,
  /(^|[\s/])(make|gmake|just|task|tox|nox)(\s|$)/,
  /(^|[\s/])(sh|bash|zsh)\s+\S+|(^|[\s;&|])\.?\.?\/?[\w./-]+\.sh\b/,
];

/** `yarn test:unit`, `bun check`: a script run by its name alone (`yarn jest` runs the tool itself). */
const scriptByName = /(^|[\s/])(yarn|bun)\s+[\w:.-]+\s*($|&|;|\|)/;

/** The distinct parsers of the known tools in `commandLine`, in the order of `toolParsers`. */
function toolsIn(commandLine: string): string[] {
  return [
    ...new Set(toolParsers.filter(({ pattern }) => pattern.test(commandLine)).map(({ parser }) => parser)),
  ];
}

/**
 * The parser for `commandLine`: the known tool's when it names exactly one and hands nothing to
 * another command; `auto` when it chains several tools or runs a wrapper (`npm run`, `run-s`,
 * `ts-scripts`, `turbo`, `make`, a shell script); else `generic`.
 */
export function inferParser(commandLine: string): string {
  const tools = toolsIn(commandLine);
  const dispatches =
    dispatchers.some((pattern) => pattern.test(commandLine)) ||
    (tools.length === 0 && scriptByName.test(commandLine));
  if (tools.length === 1 && !dispatches) return tools[0]!;
  if (tools.length > 1 || dispatches) return "auto";
  return "generic";
}

/**
 * Like `inferParser`, but `auto` instead of `generic`: for a command nothing is known about (a
 * command from a CI file), let its output say which tools ran.
 */
export function inferParserOrAuto(commandLine: string): string {
  const parser = inferParser(commandLine);
  return parser === "generic" ? "auto" : parser;
}

/** True when `commandLine` runs the tool that the parser `parser` reads, anywhere in it. */
export function mentionsTool(commandLine: string, parser: string): boolean {
  return toolParsers.some((tool) => tool.parser === parser && tool.pattern.test(commandLine));
}
