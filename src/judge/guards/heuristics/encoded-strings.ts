// Text a program spells without writing it: character codes (`String.fromCharCode(103, 104, …)`,
// `bytes([103, …])`) and hex strings (`bytes.fromhex("676870…")`), decoded so that the secret
// patterns can read a credential written that way.

/** One decoded value and where its encoding starts in the text it was found in. */
export interface EncodedString {
  index: number;
  /** How it was written, for a finding's message: "character codes" or "hex". */
  encoding: "character codes" | "hex";
  value: string;
}

/** At least eight numbers in a row, separated by commas: one character code each. */
const codeRun = /(?:(?:0x[0-9a-fA-F]{1,2}|\d{1,3})\s*,\s*){7,}(?:0x[0-9a-fA-F]{1,2}|\d{1,3})/g;
/** At least 32 hex digits (16 bytes) in a row. */
const hexRun = /(?<![0-9a-fA-F])[0-9a-fA-F]{32,}(?![0-9a-fA-F])/g;

/** A printable ASCII character for `code`, or a space (which ends a token) for anything else. */
function printable(code: number): string {
  return code >= 0x21 && code <= 0x7e ? String.fromCharCode(code) : " ";
}

function decodeCodes(run: string): string {
  return run
    .split(",")
    .map((number) => printable(Number(number.trim())))
    .join("");
}

function decodeHex(run: string): string {
  let value = "";
  for (let index = 0; index + 1 < run.length; index += 2) {
    value += printable(Number.parseInt(run.slice(index, index + 2), 16));
  }
  return value;
}

/** Every run of character codes or hex digits in `text`, decoded (non-printable bytes as spaces). */
export function encodedStrings(text: string): EncodedString[] {
  const found: EncodedString[] = [];
  for (const match of text.matchAll(codeRun)) {
    found.push({ index: match.index, encoding: "character codes", value: decodeCodes(match[0]) });
  }
  for (const match of text.matchAll(hexRun)) {
    // An odd count is read from both ends: the stray digit may lead or trail.
    for (const run of match[0].length % 2 === 0 ? [match[0]] : [match[0].slice(1), match[0].slice(0, -1)]) {
      found.push({ index: match.index, encoding: "hex", value: decodeHex(run) });
    }
  }
  return found;
}
