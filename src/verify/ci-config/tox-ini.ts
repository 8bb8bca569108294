// Reads tox.ini's test environments: their `commands` (with `{posargs}` and `{toxinidir}`
// substituted) as steps, by environment name, and the default `envlist`. tox itself is not run: it
// would build virtualenvs from the network; the commands run in the environment setup made.
import type { CiFile, CiStep } from "./ci-file.ts";

export interface ToxEnvironments {
  /** Commands of each environment by name (`testenv` holds the shared default). */
  commands: Map<string, string[]>;
  envlist: string[];
  notes: string[];
}

const maxSections = 200;

/** Sections and their keys, with indented continuation lines joined to their key's value. */
function readIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let key: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === "") continue;
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      if (sections.size >= maxSections) break;
      section = new Map();
      sections.set(header[1]!.trim(), section);
      key = undefined;
    } else if (/^\s/.test(raw) && section && key) {
      section.set(key, `${section.get(key)}\n${raw.trim()}`);
    } else if (section) {
      const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(raw);
      key = pair?.[1]?.trim();
      if (pair && key) section.set(key, pair[2]!.trim());
    }
  }
  return sections;
}

/** One command line with tox's substitutions made, or undefined when one cannot be. */
function substitute(line: string): string | undefined {
  const text = line
    .replace(/\{posargs(?::([^}]*))?\}/g, (_, fallback: string | undefined) => fallback ?? "")
    // `{env:NAME:default}`: the gate has no CI variables, so the default is what tox would use.
    .replace(/\{env:[A-Za-z_]\w*:([^{}]*)\}/g, (_, fallback: string) => fallback)
    .replace(/\{toxinidir\}\/?/g, "./")
    .replace(/\{envpython\}/g, "python")
    .trim();
  return /[{}]/.test(text) ? undefined : text;
}

/** The environments of tox.ini (or the `[tox:tox]`-style sections it has). */
export function toxEnvironments(file: CiFile): ToxEnvironments {
  const sections = readIni(file.text);
  const notes: string[] = [];
  const commands = new Map<string, string[]>();
  for (const [name, section] of sections) {
    const env = name === "testenv" ? "testenv" : /^testenv:(.+)$/.exec(name)?.[1];
    const value = section.get("commands");
    if (env === undefined || value === undefined) continue;
    const lines: string[] = [];
    for (const line of value.split("\n").filter((entry) => entry.trim() !== "")) {
      // tox ignores the failure of a command written with a leading "-": it can never fail a check.
      const text = line.startsWith("-") ? undefined : substitute(line);
      if (text === undefined)
        notes.push(`ci: ${file.path} [${name}] ${line}: not derived (substitution or ignored failure)`);
      else if (text !== "") lines.push(text);
    }
    commands.set(env, lines);
  }
  const rawList = sections.get("tox")?.get("envlist") ?? "";
  const envlist = rawList.split(/[\s,]+/).filter(Boolean);
  if (envlist.some((env) => /[{}]/.test(env)))
    notes.push(`ci: ${file.path}: envlist factors ({…}) are not expanded`);
  return { commands, envlist: envlist.filter((env) => !/[{}]/.test(env)), notes };
}

/** The steps of the named environments (each falls back to `[testenv]`); empty names: envlist. */
export function toxSteps(file: CiFile, tox: ToxEnvironments, names: string[]): CiStep[] {
  const chosen = names.length > 0 ? names : tox.envlist.length > 0 ? tox.envlist : [...tox.commands.keys()];
  return chosen.flatMap((env) =>
    (tox.commands.get(env) ?? tox.commands.get("testenv") ?? []).map((run, index) => ({
      source: `${file.path} [testenv:${env}] command ${index + 1}`,
      run,
      cwd: ".",
      env: {},
      services: [],
      job: `${file.path}#${env}`,
    })),
  );
}
