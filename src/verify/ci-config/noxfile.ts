// Reads noxfile.py statically (it is never executed): each `@nox.session` function's
// `session.run("tool", "arg", …)` calls whose arguments are all plain string literals become
// steps; anything computed is reported. `nox.options.sessions` names the default sessions.
import type { CiFile, CiStep } from "./ci-file.ts";

export interface NoxSessions {
  commands: Map<string, string[]>;
  defaults: string[];
  notes: string[];
}

const maxSessions = 100;
/** Lines a multi-line `session.run(` call may span. */
const maxCallLines = 30;

/**
 * The positional string-literal arguments of a call's argument text, or undefined when one is not
 * a plain literal (`*session.posargs`, a variable, an f-string). Keyword arguments (`env=`,
 * `external=`) come last in Python and do not change the command: reading stops there.
 */
function literalArguments(text: string): string[] | undefined {
  const values: string[] = [];
  let rest = text.trim();
  while (rest !== "") {
    if (/^\w+\s*=[^=]/.test(rest)) break;
    const match = /^(?:"([^"\\]*)"|'([^'\\]*)')\s*(,\s*|$)/.exec(rest);
    if (!match) return undefined;
    values.push(match[1] ?? match[2] ?? "");
    rest = rest.slice(match[0].length);
  }
  return values;
}

/** Parentheses opened and not closed in `text`, outside string literals. */
function openParentheses(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "(") depth++;
    else if (char === ")") depth--;
  }
  return depth;
}

/** `line` without a `#` comment (outside string literals). */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "#") return line.slice(0, index);
  }
  return line;
}

/** The whole text of a call starting at `lines[index]`, joined across lines while parentheses are open. */
function wholeCall(lines: string[], index: number): string {
  let text = withoutComment(lines[index]!);
  for (
    let next = index + 1;
    openParentheses(text) > 0 && next < lines.length && next - index < maxCallLines;
    next++
  ) {
    text += ` ${withoutComment(lines[next]!).trim()}`;
  }
  return text;
}

/** Quote a word for the command-line splitter. */
function quote(word: string): string {
  return /^[\w./:=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, "")}'`;
}

/** Sessions of noxfile.py by name, with the plain commands each runs. */
export function noxSessions(file: CiFile): NoxSessions {
  const notes: string[] = [];
  const commands = new Map<string, string[]>();
  const lines = file.text.split(/\r?\n/);
  let current: string | undefined;
  let decorated = false;
  for (const [index, line] of lines.entries()) {
    if (/^@(nox\.)?session\b/.test(line)) decorated = true;
    const definition = /^def\s+(\w+)\s*\(/.exec(line);
    if (definition) {
      current = decorated && commands.size < maxSessions ? definition[1]! : undefined;
      if (current) commands.set(current, []);
      decorated = false;
      continue;
    }
    if (/^\S/.test(line) && !line.startsWith("@")) current = undefined;
    if (!current || !/^\s+session\.run\(/.test(line)) continue;
    const call = /^\s+session\.run\((.*)\)\s*$/s.exec(wholeCall(lines, index));
    if (!call) continue;
    const args = literalArguments(call[1]!);
    if (!args || args.length === 0)
      notes.push(`ci: ${file.path} session ${current}: ${line.trim()} is computed; not derived`);
    else commands.get(current)!.push(args.map(quote).join(" "));
  }
  const optionList = /^nox\.options\.sessions\s*=\s*\[([^\]]*)\]/m.exec(file.text)?.[1];
  const defaults = optionList ? (literalArguments(optionList) ?? []) : [];
  return { commands, defaults, notes };
}

/** The steps of the named sessions; empty names: the default sessions, else all. */
export function noxSteps(file: CiFile, nox: NoxSessions, names: string[]): CiStep[] {
  const chosen = names.length > 0 ? names : nox.defaults.length > 0 ? nox.defaults : [...nox.commands.keys()];
  return chosen.flatMap((session) =>
    (nox.commands.get(session) ?? []).map((run, index) => ({
      source: `${file.path} session ${session} command ${index + 1}`,
      run,
      cwd: ".",
      env: {},
      services: [],
      job: `${file.path}#${session}`,
    })),
  );
}
