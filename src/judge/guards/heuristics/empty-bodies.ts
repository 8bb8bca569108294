// Functions whose body the change leaves empty: `{}` in JS/TS, Rust, Go and Java, `pass` in Python.
import { newSideLines } from "../../diff/diff-lines.ts";
import type { DiffFile } from "../../diff/parse-diff.ts";
import { type Language, languageOf } from "./file-kinds.ts";

/** A function the change left without a body: where its signature is and its name. */
export interface EmptyFunction {
  line: number;
  name: string;
}

// Signatures up to (not including) the opening brace; group `name` is the function's name.
const signatures: Partial<Record<Exclude<Language, "python">, string>> = {
  js: String.raw`^\s*(?:export\s+)?(?:default\s+)?(?:(?:async\s+)?function\s*\*?\s*(?<name>[\w$]+)|(?:(?:public|private|protected|static|async|override|get|set)\s+)*\*?(?<method>[\w$]+))\s*(?:<[^>]*>)?\s*\([^)]*\)\s*(?::\s*[^{=;]+)?`,
  rust: String.raw`^\s*(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe)\s+|extern\s+"[^"]*"\s+)*fn\s+(?<name>\w+)\s*(?:<[^>]*>)?\s*\([^)]*\)\s*(?:->\s*[^{]+)?(?:where\s[^{]+)?`,
  go: String.raw`^func\s+(?:\([^)]*\)\s*)?(?<name>\w+)\s*(?:\[[^\]]*\])?\s*\([^)]*\)\s*[^{]*`,
  java: String.raw`^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|protected|private|static|final|synchronized|native|default|strictfp)\s+)*(?:<[^>]+>\s+)?(?<type>[\w.<>?,\[\]]+)\s+(?<method>\w+)\s*\([^)]*\)\s*(?:throws\s+[\w.,\s]+)?`,
};

/** Words that look like a name before `(` but start a statement, a constructor or a class body. */
const notFunctions = new Set([
  "if",
  "for",
  "while",
  "switch",
  "catch",
  "with",
  "return",
  "constructor",
  "function",
  "new",
  "else",
  "throw",
  "case",
  "synchronized",
  "public",
  "protected",
  "private",
  "static",
  "final",
]);

function functionName(match: RegExpExecArray): string | undefined {
  const groups = match.groups ?? {};
  const name = groups.name ?? groups.method;
  if (name === undefined || notFunctions.has(name)) return undefined;
  // In Java a constructor has no return type, so the "type" group catches a modifier instead.
  if (groups.type !== undefined && notFunctions.has(groups.type)) return undefined;
  return name;
}

/** Brace languages: `sig {}` on one line, or `sig {` then `}` with nothing left between them. */
function emptyBraceBodies(file: DiffFile, signature: string, introduced: Set<number>): EmptyFunction[] {
  const oneLine = new RegExp(`${signature}\\{\\s*\\}[;,]?\\s*$`);
  const opening = new RegExp(`${signature}\\{\\s*$`);
  const found: EmptyFunction[] = [];
  for (const hunk of file.hunks) {
    let previous: { line: number; text: string; added: boolean } | undefined;
    let removedSince = false;
    for (const entry of hunk.lines) {
      if (entry.kind === "removed") {
        removedSince = true;
        continue;
      }
      const added = entry.kind === "added" && introduced.has(entry.newLine!);
      const line = entry.newLine!;
      const single = added ? oneLine.exec(entry.text) : null;
      const singleName = single ? functionName(single) : undefined;
      if (singleName !== undefined) found.push({ line, name: singleName });
      const closes = /^\s*\}[;,]?\s*$/.test(entry.text);
      const open = previous === undefined ? null : opening.exec(previous.text);
      const openName = open ? functionName(open) : undefined;
      if (closes && previous && openName !== undefined && (previous.added || added || removedSince)) {
        found.push({ line: previous.line, name: openName });
      }
      previous = { line, text: entry.text, added };
      removedSince = false;
    }
  }
  return found;
}

const pythonDef = /^(\s*)(?:async\s+)?def\s+(\w+)\s*\(.*\)\s*(?:->\s*[^:]+)?:\s*(?:#.*)?$/;
const pythonOneLine = /^\s*(?:async\s+)?def\s+(\w+)\s*\(.*\)\s*(?:->\s*[^:]+)?:\s*pass\s*(?:#.*)?$/;

function indentOf(text: string): number {
  return /^\s*/.exec(text)![0].length;
}

function isFiller(text: string | undefined): boolean {
  const trimmed = text?.trim();
  return trimmed === "" || trimmed?.startsWith("#") === true;
}

/** Decorators that make an empty body correct: abstract methods and typing overloads. */
function isDeclarationOnly(side: Map<number, string>, defLine: number): boolean {
  for (let line = defLine - 1; side.get(line)?.trim().startsWith("@"); line--) {
    if (/abstractmethod|overload/.test(side.get(line)!)) return true;
  }
  return false;
}

/** The def whose whole body is the `pass` at `line`, when every line around it is visible. */
function enclosingEmptyDef(
  side: Map<number, string>,
  line: number,
): { line: number; name: string } | undefined {
  const passIndent = indentOf(side.get(line)!);
  let before = line - 1;
  // Skip blank lines, comments and a one-line docstring between the signature and `pass`.
  while (isFiller(side.get(before)) || /^\s*[rbuf]*("""|''').*\1\s*$/.test(side.get(before) ?? "x")) before--;
  const def = pythonDef.exec(side.get(before) ?? "");
  if (!def || def[1]!.length >= passIndent || isDeclarationOnly(side, before)) return undefined;
  let after = line + 1;
  while (isFiller(side.get(after))) after++;
  const next = side.get(after);
  if (next !== undefined && indentOf(next) > def[1]!.length) return undefined;
  return { line: before, name: def[2]! };
}

function emptyPythonBodies(file: DiffFile, added: DiffFile["addedLines"]): EmptyFunction[] {
  const side = newSideLines(file);
  const found: EmptyFunction[] = [];
  for (const { line, text } of added) {
    const single = pythonOneLine.exec(text);
    if (single && !isDeclarationOnly(side, line)) found.push({ line, name: single[1]! });
    if (text.trim() !== "pass") continue;
    const def = enclosingEmptyDef(side, line);
    if (def) found.push({ line, name: def.name });
  }
  return found;
}

/**
 * Functions the change left with an empty body. `added` are the file's lines new to the change
 * (see introducedLines). Arrow functions (`() => {}`) are left out: empty callbacks are idiomatic.
 */
export function emptyFunctions(file: DiffFile, added: DiffFile["addedLines"]): EmptyFunction[] {
  const language = languageOf(file.path);
  if (language === "python") return emptyPythonBodies(file, added);
  const signature = language === undefined ? undefined : signatures[language];
  const introduced = new Set(added.map(({ line }) => line));
  return signature === undefined ? [] : emptyBraceBodies(file, signature, introduced);
}
