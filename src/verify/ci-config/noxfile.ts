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
/** A Python string literal (no f-, r- or b-prefix), single or double quoted, no escapes. */
const literal = /^\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*$/;

/** The literal arguments of a call's argument text, or undefined when any is not a plain literal. */
function literalArguments(text: string): string[] | undefined {
  const parts = text.split(",").filter((part, index, all) => part.trim() !== "" || index < all.length - 1);
  const values: string[] = [];
  for (const part of parts) {
    if (/^\s*\w+\s*=/.test(part)) continue; // keyword arguments (env=, external=) do not change the command
    const match = literal.exec(part);
    if (!match) return undefined;
    values.push(match[1] ?? match[2] ?? "");
  }
  return values;
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
  for (const line of lines) {
    if (/^@(nox\.)?session\b/.test(line)) decorated = true;
    const definition = /^def\s+(\w+)\s*\(/.exec(line);
    if (definition) {
      current = decorated && commands.size < maxSessions ? definition[1]! : undefined;
      if (current) commands.set(current, []);
      decorated = false;
      continue;
    }
    if (/^\S/.test(line) && !line.startsWith("@")) current = undefined;
    const call = /^\s+session\.run\((.*)\)\s*$/.exec(line);
    if (!current || !call) continue;
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
      job: `${file.path}#${session}`,
    })),
  );
}
