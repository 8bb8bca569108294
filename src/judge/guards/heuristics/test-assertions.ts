// What makes a test test: assertion calls per language, trivial ones that check nothing, and an
// early `return` that ends a test body before its first assertion.
import type { DiffLine } from "../../diff/parse-diff.ts";
import { type Language, languageOf } from "./file-kinds.ts";

/** Calls that fail a test when something is wrong, per language. */
const assertionCalls: Record<Language, RegExp> = {
  js: /(?<![\w$.])(?:assert(?:\.\w+)*|expect(?:\.\w+)*|should(?:\.\w+)*)\s*\(|\.should\b/g,
  python: /^\s*assert\b|\bself\.(?:assert\w*|fail\w*)\s*\(|\bpytest\.(?:raises|warns|fail)\s*\(/g,
  go: /\b[tb]\.(?:Fatal|Fatalf|Error|Errorf|Fail|FailNow)\s*\(|\b(?:assert|require)\.\w+\s*\(/g,
  java: /\b(?:assert\w*|fail|verify)\s*\(|^\s*assert\b/g,
  rust: /\b(?:assert|assert_eq|assert_ne|debug_assert\w*|panic)!\s*[([]/g,
};

/** An assertion of a constant: `assert.ok(true)`, `expect(true).toBe(true)`, `assert True`. */
const trivialAssertion =
  /(?:assert\w*(?:\.\w+)*|expect|assertTrue|self\.assertTrue)\s*\(\s*(?:true|True|1|!0)\s*\)|^\s*assert\s+(?:True|1)\s*(?:#.*)?$|assert!\s*\(\s*true\s*\)/;

/** Assertion calls among `lines` of a file in `language`; assertions of a constant do not count. */
export function assertionCount(language: Language, lines: readonly DiffLine[]): number {
  let count = 0;
  for (const { text } of lines) {
    if (trivialAssertion.test(text)) continue;
    count += text.match(assertionCalls[language])?.length ?? 0;
  }
  return count;
}

/** A line that opens a test's body, per language (the body starts on the next line). */
const testOpeners: Partial<Record<Language, RegExp>> = {
  js: /^\s*(?:it|test|specify)(?:\.\w+)*\s*\(.*(?:=>|function\b[^(]*\([^)]*\))\s*\{\s*$/,
  python: /^\s*(?:async\s+)?def\s+test\w*\s*\(.*\)\s*(?:->[^:]*)?:\s*$/,
  go: /^\s*func\s+Test\w*\s*\(.*\)\s*\{\s*$/,
};

/** A statement that ends the body there: `return`, or a condition whose only effect is to return. */
const earlyReturn: Record<"js" | "python" | "go", RegExp> = {
  js: /^\s*(?:if\s*\(.*\)\s*\{?\s*)?return\b/,
  python: /^\s*(?:if\b.*:\s*)?return\b/,
  go: /^\s*(?:if\b.*\{\s*)?return\b/,
};

/** The line before `line` on the new side that is not blank or a comment, or undefined. */
function previousStatement(side: Map<number, string>, line: number): string | undefined {
  for (let previous = line - 1; previous >= Math.max(1, line - 4); previous--) {
    const text = side.get(previous);
    if (text === undefined) return undefined;
    if (text.trim() === "" || /^\s*(?:\/\/|#)/.test(text)) continue;
    return text;
  }
  return undefined;
}

/**
 * Added lines of the file at `path` that return as the first statement of a test body (`return;`,
 * `if (!process.env.SLOW) return;`, Go's `if testing.Short() { return }`): the rest never runs.
 */
export function earlyReturns(
  path: string,
  added: readonly DiffLine[],
  side: Map<number, string>,
): DiffLine[] {
  const language = languageOf(path);
  const opener = language === undefined ? undefined : testOpeners[language];
  if (opener === undefined || (language !== "js" && language !== "python" && language !== "go")) return [];
  return added.filter(({ line, text }) => {
    if (!earlyReturn[language].test(text)) return false;
    const before = previousStatement(side, line);
    return before !== undefined && opener.test(before);
  });
}
