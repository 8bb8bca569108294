// Turns the run_command tool's command line into argv without a shell, and decides whether the
// allowlist permits it. Pure functions: parsing and deciding only.

/** A parsed command line, or why it cannot be run without a shell. */
export type ParsedCommandLine = { ok: true; argv: string[] } | { ok: false; reason: string };

const operatorHint =
  "commands run without a shell, so pipes, redirection, chaining, substitution and variables do not work; run one program per call";

/** What a shell would treat specially at `index` outside quotes, or undefined. */
function unquotedOperatorAt(line: string, index: number): string | undefined {
  const char = line[index]!;
  const next = line[index + 1] ?? "";
  if (char === "&" || char === "|") return next === char ? char + next : char;
  if (";<>`\n".includes(char)) return char === "\n" ? "a newline" : char;
  if (char === "$" && /[({A-Za-z_]/.test(next)) return char + next;
  return undefined;
}

/** Inside double quotes a shell still substitutes `$(…)`, `${…}`, `$NAME` and backticks. */
function doubleQuotedOperatorAt(line: string, index: number): string | undefined {
  const char = line[index]!;
  const next = line[index + 1] ?? "";
  if (char === "`") return char;
  if (char === "$" && /[({A-Za-z_]/.test(next)) return char + next;
  return undefined;
}

/**
 * Split `line` into argv the way a POSIX shell would for simple commands: whitespace separates
 * words, 'single quotes' are literal, "double quotes" allow \" and \\, a backslash outside quotes
 * escapes the next character. Anything needing a shell (| ; && > < ` $( $VAR) is refused.
 */
export function parseCommandLine(line: string): ParsedCommandLine {
  const argv: string[] = [];
  // `inWord` distinguishes an empty quoted word ("") from the gap between words.
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
      continue;
    }
    if (quote === '"') {
      const operator = doubleQuotedOperatorAt(line, index);
      if (operator)
        return { ok: false, reason: `"${operator}" inside double quotes needs a shell; ${operatorHint}` };
      if (char === '"') quote = undefined;
      else if (char === "\\" && (line[index + 1] === '"' || line[index + 1] === "\\")) word += line[++index];
      else word += char;
      continue;
    }
    const operator = unquotedOperatorAt(line, index);
    if (operator) return { ok: false, reason: `"${operator}" needs a shell; ${operatorHint}` };
    if (char === " " || char === "\t") {
      if (inWord) argv.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (char === "'" || char === '"') {
      quote = char;
    } else if (char === "\\") {
      if (index + 1 >= line.length) return { ok: false, reason: "the command ends with a lone backslash" };
      word += line[++index];
    } else {
      word += char;
    }
  }
  if (quote) return { ok: false, reason: `the command has an unclosed ${quote} quote` };
  if (inWord) argv.push(word);
  if (argv.length === 0) return { ok: false, reason: "the command is empty" };
  return { ok: true, argv };
}

/** The allowlist entry `argv` starts with (its words are argv's leading words), if any. */
export function matchAllowlist(argv: readonly string[], allowlist: readonly string[]): string | undefined {
  return allowlist.find((entry) => {
    const words = entry
      .trim()
      .split(/\s+/)
      .filter((part) => part !== "");
    return words.length > 0 && words.every((part, index) => argv[index] === part);
  });
}

/** Render argv back as a command line a person can read (quoted where needed). */
export function formatArgv(argv: readonly string[]): string {
  return argv
    .map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}
