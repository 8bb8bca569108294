// Test shapes per language: markers that skip or focus tests, and lines that declare a test.
import type { DiffLine } from "../../diff/parse-diff.ts";
import { isTestFilePath, type Language, languageOf } from "./file-kinds.ts";

interface SkipMarker {
  languages: readonly Language[];
  pattern: RegExp;
}

/** Markers that stop tests from running (skip, ignore, todo) or stop the others (only, fit). */
const skipMarkers: readonly SkipMarker[] = [
  {
    languages: ["js"],
    pattern: /\b(?:it|test|describe|context|suite|specify)(?:\.\w+)*\.(?:skip|only|todo)\b/,
  },
  { languages: ["js"], pattern: /(?<![\w.$])(?:xit|xtest|xdescribe|xcontext|fit|fdescribe)\s*\(/ },
  // `const test = real.skip;`: every test declared with the alias is skipped.
  { languages: ["js"], pattern: /=\s*[\w$]+(?:\.\w+)*\.(?:skip|only|todo)\s*(?:[;,)]|$)/ },
  // A failed assertion caught and dropped: the test passes whatever the code does.
  { languages: ["python"], pattern: /\bexcept\s*\(?\s*(?:\w+\s*,\s*)*AssertionError\b/ },
  { languages: ["java"], pattern: /^\s*@(?:Disabled\w*|Ignore)\b/ },
  { languages: ["python"], pattern: /\bpytest\.(?:mark\.(?:skip|skipif|xfail)\b|skip\s*\()/ },
  {
    languages: ["python"],
    pattern: /\bunittest\.(?:skip|skipIf|skipUnless|expectedFailure)\b|\bself\.skipTest\s*\(/,
  },
  { languages: ["rust"], pattern: /#\[ignore\b/ },
  { languages: ["go"], pattern: /\b[tb]\.Skip(?:Now|f)?\s*\(/ },
];

/** The skip or focus marker on a line of a file at `path`, as written, or undefined. */
export function skipMarkerIn(path: string, text: string): string | undefined {
  const language = languageOf(path);
  if (language === undefined) return undefined;
  for (const { languages, pattern } of skipMarkers) {
    if (!languages.includes(language)) continue;
    const match = pattern.exec(text);
    if (match) return match[0].trim();
  }
  return undefined;
}

/** A line that declares one test, with a key equal for the same test on both sides of the diff. */
export interface TestDeclaration {
  line: number;
  key: string;
  /** The test's name for messages, e.g. `parses dates` or `test_parse`. */
  name: string;
}

const namedDeclarations: Partial<Record<Language, RegExp>> = {
  js: /^\s*(?:it|test|specify)(?:\.\w+)*\s*\(\s*(["'`])((?:\\.|(?!\1).)*)\1/,
  python: /^\s*(?:async\s+)?def\s+(test\w*)\s*\(/,
  go: /^\s*func\s+(Test\w*)\s*\(/,
};

const testAttributes: Partial<Record<Language, { attribute: RegExp; name: RegExp }>> = {
  rust: { attribute: /^\s*#\[(?:\w+::)*test\b/, name: /\bfn\s+(\w+)/ },
  java: {
    attribute: /^\s*@(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\b/,
    name: /(\w+)\s*\([^)]*\)?\s*(?:throws\b[^{]*)?\{?\s*$/,
  },
};

/** The function an attribute (`#[test]`, `@Test`) belongs to: the next line that is not one. */
function attributedName(side: Map<number, string>, line: number, name: RegExp): string | undefined {
  for (let next = line + 1; next <= line + 6; next++) {
    const text = side.get(next);
    if (text === undefined) return undefined;
    if (/^\s*(?:#\[|@)/.test(text) || text.trim() === "") continue;
    return name.exec(text)?.[1];
  }
  return undefined;
}

/**
 * Test declarations among `lines` of the file at `path`. `side` holds that side's lines by number
 * (to find the function under `#[test]` or `@Test`). Named declarations (`it("…")`, `def test_…`,
 * `func Test…`) count only in files named or placed like tests, where they are unambiguous.
 */
export function testDeclarations(
  path: string,
  lines: DiffLine[],
  side: Map<number, string>,
): TestDeclaration[] {
  const language = languageOf(path);
  if (language === undefined) return [];
  const declarations: TestDeclaration[] = [];
  const named = isTestFilePath(path) ? namedDeclarations[language] : undefined;
  const attributes = testAttributes[language];
  for (const { line, text } of lines) {
    const match = named?.exec(text);
    if (match) {
      const name = match[2] ?? match[1]!;
      declarations.push({ line, key: `${language}:${name}`, name });
    } else if (attributes?.attribute.test(text)) {
      const name = attributedName(side, line, attributes.name);
      declarations.push({ line, key: `${language}:${name ?? text.trim()}`, name: name ?? text.trim() });
    }
  }
  return declarations;
}
