// Reads compiler errors as Gradle passes them through: javac's
// `/path/File.java:12: error: message`, the source line and a caret under the column, then
// `symbol:` / `location:` details; and Kotlin's `e: file:///path/File.kt:12:5 message` (or the
// older `e: /path/File.kt: (12, 5): message`). Warnings are left out.
import type { Finding } from "../../core/finding.ts";
import { clip } from "./output-text.ts";

const javacHeader = /^(\S+?\.java):(\d+): error: (.+)$/;
const kotlinHeader = /^e: (?:file:\/\/)?(\S+?\.kts?):(\d+):(\d+) (.+)$/;
const kotlinOldHeader = /^e: (\S+?\.kts?): \((\d+), (\d+)\): (.+)$/;
/** Gradle 4's plain console prints a task's name and javac's first line on one line. */
const gradleTaskPrefix = /^:[\w:-]+(?=\/)/;
const caretLine = /^\s*\^\s*$/;
const maxContextLines = 6;
const maxMessageChars = 400;

/** The source line, the caret and any `symbol:` details after a javac header; and the column. */
function javacDetails(lines: string[], index: number): { context: string[]; column?: number; used: number } {
  const code = lines[index + 1];
  const caret = lines[index + 2];
  if (code === undefined || caret === undefined || !caretLine.test(caret)) return { context: [], used: 0 };
  const indent = Math.min(code.length - code.trimStart().length, caret.indexOf("^"));
  const context = [code.slice(indent).trimEnd(), caret.slice(indent).trimEnd()];
  let used = 2;
  for (let next = index + 3; next < lines.length && /^ {2}\S/.test(lines[next]!); next++) {
    context.push(lines[next]!.trim());
    used++;
  }
  return { context, column: caret.indexOf("^") + 1, used };
}

function readJavac(lines: string[], index: number): { finding: Finding; used: number } | undefined {
  const match = javacHeader.exec(lines[index]!.replace(gradleTaskPrefix, ""));
  if (!match) return undefined;
  const { context, column, used } = javacDetails(lines, index);
  const finding: Finding = {
    kind: "compile",
    file: match[1]!,
    line: Number(match[2]),
    message: clip(match[3]!, maxMessageChars),
  };
  if (column !== undefined) finding.column = column;
  if (context.length > 0) finding.context = context.slice(0, maxContextLines).join("\n");
  return { finding, used };
}

function readKotlin(line: string): Finding | undefined {
  const match = kotlinHeader.exec(line) ?? kotlinOldHeader.exec(line);
  if (!match) return undefined;
  return {
    kind: "compile",
    file: match[1]!,
    line: Number(match[2]),
    column: Number(match[3]),
    message: clip(match[4]!, maxMessageChars),
  };
}

/** Every javac and kotlinc error in `lines`, repeats included (callers dedupe). */
export function readJvmCompilerErrors(lines: string[]): Finding[] {
  const findings: Finding[] = [];
  for (let index = 0; index < lines.length; index++) {
    const javac = readJavac(lines, index);
    if (javac) {
      findings.push(javac.finding);
      index += javac.used;
      continue;
    }
    const kotlin = readKotlin(lines[index]!);
    if (kotlin) findings.push(kotlin);
  }
  return findings;
}
