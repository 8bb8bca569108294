// Splits a CI step's command text (`run: |` block, script line) into plain commands that need no
// shell: one per line, `&&` chains split, `cd DIR` and `export NAME=value` followed. A line that
// needs a shell (pipes, `$VAR`, `||`, redirects, control flow) is not derived, and says why:
// running the whole block with `sh -c` would run its installs and uploads too.
import path from "node:path";
import { splitCommandLine } from "../command-line.ts";

/** One command of a block, ready to classify. */
export interface BlockCommand {
  argv: string[];
  /** Directory relative to the repository root, after any `cd` before it. */
  cwd: string;
  /** Variables set by `export` or a `NAME=value` prefix, on top of the step's own. */
  env: Record<string, string>;
  /** The line as written, for notes. */
  text: string;
}

export interface SplitBlock {
  commands: BlockCommand[];
  /** Lines not derived, with the reason. */
  skipped: { text: string; reason: string }[];
}

/** Lines read from one block at most. */
const maxLinesPerBlock = 200;
const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** True when `text` has shell syntax outside single quotes that plain argv cannot carry. */
function needsShell(text: string): string | undefined {
  if (/\p{Cc}/u.test(text.replaceAll("\t", " "))) return "it contains control characters";
  let quote: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      continue;
    }
    if (char === "\\") {
      index++;
      continue;
    }
    if (char === "'" && !quote) quote = "'";
    else if (char === '"') quote = quote === '"' ? undefined : '"';
    else if (char === "$" || char === "`") return "it expands shell variables or commands";
    else if (!quote && /[|;<>&(){}*?]/.test(char))
      return "it needs a shell (pipes, lists, redirects or globs)";
  }
  return undefined;
}

/**
 * `$NAME` and `${NAME}` replaced by the values the step's environment gives them (a CI runner's
 * shell would do the same), outside single quotes; unknown variables stay, and needsShell refuses them.
 */
function expandKnownVariables(text: string, env: Record<string, string>): string {
  // Sticky: matched at `index` without copying the rest of the text for every `$`.
  const variable = /\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/y;
  let result = "";
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote !== "'" && char === "\\") {
      result += text.slice(index, index + 2);
      index++;
      continue;
    }
    if (char === "'" && quote !== '"') quote = quote === "'" ? undefined : "'";
    else if (char === '"' && quote !== "'") quote = quote === '"' ? undefined : '"';
    variable.lastIndex = index;
    const match = quote === "'" || char !== "$" ? null : variable.exec(text);
    const name = match?.[1] ?? match?.[2];
    // A value with shell syntax of its own would be read differently here than by a shell: left.
    if (match && name !== undefined && Object.hasOwn(env, name) && !/['"\\$`|;&<>(){}*?]/.test(env[name]!)) {
      result += env[name];
      index += match[0].length - 1;
    } else result += char;
  }
  return result;
}

/** Resolve `cd target` against `cwd`; undefined when it leaves the repository or is not literal. */
function changeDirectory(cwd: string, target: string | undefined): string | undefined {
  if (!target || target.startsWith("~") || path.isAbsolute(target)) return undefined;
  const next = path.posix.normalize(path.posix.join(cwd, target));
  return next === ".." || next.startsWith("../") ? undefined : next;
}

/** Join `\`-continued lines and drop comments and blank lines. */
function logicalLines(block: string): string[] {
  return block
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Split one `&&` chain into its parts, or a reason it cannot be split safely. */
function chainParts(line: string): string[] {
  // Split only on a spaced `&&`; needsShell then refuses any `&` left inside a part.
  return line.split(/\s+&&\s+/);
}

/** The plain commands of `block`, run in `cwd` with `env`. */
export function splitRunBlock(block: string, cwd: string, env: Record<string, string>): SplitBlock {
  const commands: BlockCommand[] = [];
  const skipped: SplitBlock["skipped"] = [];
  let directory: string | undefined = cwd;
  const variables = { ...env };
  const lines = logicalLines(block);
  if (lines.length > maxLinesPerBlock)
    skipped.push({ text: block.slice(0, 60), reason: "the block is too long" });
  for (const line of lines.slice(0, maxLinesPerBlock)) {
    for (const written of chainParts(line)) {
      const part = expandKnownVariables(written, variables);
      const reason = needsShell(part);
      if (reason) {
        skipped.push({ text: part, reason });
        continue;
      }
      let argv: string[];
      try {
        // A leading assignment is quoted so the splitter reads it as a word, not a shell feature.
        const quoted = part.replace(
          /^(export\s+)?([A-Za-z_][A-Za-z0-9_]*=)/,
          (_, prefix = "", name) => `${prefix}'${name}'`,
        );
        argv = splitCommandLine(quoted);
      } catch (error) {
        skipped.push({ text: part, reason: (error as Error).message });
        continue;
      }
      const own: Record<string, string> = {};
      if (argv[0] === "export") argv = argv.slice(1);
      while (argv.length > 0 && assignment.test(argv[0]!)) {
        const [, name, value] = assignment.exec(argv.shift()!)!;
        own[name!] = value!;
      }
      if (argv.length === 0) {
        Object.assign(variables, own);
        continue;
      }
      if (/^(set|shopt)$/.test(argv[0]!)) continue;
      if (argv[0] === "cd") {
        directory = changeDirectory(directory ?? ".", argv[1]);
        if (directory === undefined) skipped.push({ text: part, reason: "it leaves the repository" });
        continue;
      }
      if (directory === undefined) {
        skipped.push({ text: part, reason: "an earlier cd left the repository" });
        continue;
      }
      commands.push({ argv, cwd: directory, env: { ...variables, ...own }, text: part });
    }
  }
  return { commands, skipped };
}
