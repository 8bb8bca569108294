// Strings written in pieces (`"sk-ant-" + "api03…"`, `'ghp_' 'abc…'`, `${"…"}` in a template,
// escapes such as `\x70`): the value the program sees, so a key split up is still read whole.
import type { DiffLine } from "../../diff/parse-diff.ts";

/** One value made of string pieces, found on the added line `line` (its first line). */
export interface JoinedString {
  line: number;
  value: string;
}

/** Lines joined into one statement at most: a key split over more lines than this is not joined. */
const maxJoinedLines = 8;
const literal = /(["'`])((?:\\.|(?!\1).)*)\1/g;
/** What may sit between two pieces of one value: `+`, whitespace, Python's string prefixes. */
const joiner = /^\s*\+?\s*(?:[bBrRuUfF]{1,2})?$/;
/** In a statement that joins a list with "" (`[…].join("")`, `"".join([…])`), commas join too. */
const listJoiner = /^\s*[+,]?\s*(?:[bBrRuUfF]{1,2})?$/;
const joinsWithNothing = /\.join\(\s*(["'`])\1\s*\)|(["'])\2\.join\(/;
/** A template's `${"piece"}` holds a literal piece; it is inlined before pieces are read. */
const inlinePiece = /\$\{\s*(["'])((?:\\.|(?!\1).)*)\1\s*\}/g;
/** A line that a string piece continues: it ends with a piece, or opens a `"".join([` list. */
const endsWithPiece = /["'`]\s*[+,]?\s*$|(["'])\1\.join\(\s*[[(]?\s*$/;
/** A line that continues a piece: it starts with one, or closes the list with `].join("")`. */
const startsWithPiece = /^\s*[+,]?\s*(?:[bBrRuUfF]{1,2})?["'`]|^\s*[\])]\s*\.join\(\s*(["'`])\1\s*\)/;

/** Decode the escapes that spell ordinary characters: `\x70`, `\u0070`, `\u{70}`. */
function decodeEscapes(text: string): string {
  return text
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/\\u\{([0-9a-fA-F]{1,6})\}/g, (_, hex: string) =>
      String.fromCodePoint(Math.min(Number.parseInt(hex, 16), 0x10ffff)),
    )
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Values of one statement's text: runs of adjacent pieces joined, and pieces with escapes or `${"…"}`. */
function valuesOf(text: string): string[] {
  const separator = joinsWithNothing.test(text) ? listJoiner : joiner;
  const values: string[] = [];
  let run: string[] = [];
  let escaped = false;
  let previousEnd = -1;
  const flush = () => {
    if (run.length > 1 || escaped) values.push(run.join(""));
    run = [];
    escaped = false;
  };
  for (const match of text.matchAll(literal)) {
    if (previousEnd >= 0 && !separator.test(text.slice(previousEnd, match.index))) flush();
    const raw = match[2]!;
    const decoded = decodeEscapes(match[1] === "`" ? raw.replace(inlinePiece, "$2") : raw);
    escaped ||= decoded !== raw;
    run.push(decoded);
    previousEnd = match.index + match[0].length;
  }
  flush();
  return values;
}

/**
 * Added lines grouped into statements where a string piece at the end of one line continues at
 * the start of the next (`"sk-" +` / `"ant-…"`), at most `maxJoinedLines` lines per group.
 */
function statements(lines: readonly DiffLine[]): { line: number; text: string }[] {
  const groups: { line: number; text: string; count: number; lastLine: number }[] = [];
  for (const { line, text } of lines) {
    const last = groups.at(-1);
    const continues =
      last !== undefined &&
      last.lastLine === line - 1 &&
      last.count < maxJoinedLines &&
      endsWithPiece.test(last.text) &&
      startsWithPiece.test(text);
    if (continues) {
      last.text = `${last.text} ${text}`;
      last.count += 1;
      last.lastLine = line;
    } else {
      groups.push({ line, text, count: 1, lastLine: line });
    }
  }
  return groups.map(({ line, text }) => ({ line, text }));
}

/**
 * The string values among `lines` (a file's added lines, in order) that were written in pieces
 * or with escapes: what a credential check must read besides the lines as written.
 */
export function joinedStrings(lines: readonly DiffLine[]): JoinedString[] {
  return statements(lines).flatMap(({ line, text }) => valuesOf(text).map((value) => ({ line, value })));
}
