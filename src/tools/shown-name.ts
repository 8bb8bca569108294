// How a tool prints a file name taken from the worktree: plain when it is plain, as a JSON string
// when it holds a control character (a newline in a name would otherwise forge a line of output).
/** Control characters, line and paragraph separators, and the bidirectional overrides that reorder what is shown. */
const unsafeCharacters = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const unsafeCharactersGlobal = new RegExp(unsafeCharacters.source, "gu");

/**
 * `name` unchanged, or — when it holds a character that could forge or hide output, starts with a
 * double quote (so a plain name can never pass for a quoted one), or holds one of `separators` (the
 * characters the caller's output puts after a name) — a JSON string with those characters escaped
 * as `\uXXXX` where JSON itself would leave them raw.
 */
export function shownName(name: string, separators = ""): string {
  const plain =
    !unsafeCharacters.test(name) &&
    !name.startsWith('"') &&
    ![...separators].some((separator) => name.includes(separator));
  if (plain) return name;
  return JSON.stringify(name).replace(
    unsafeCharactersGlobal,
    (character) => `\\u${character.codePointAt(0)!.toString(16).padStart(4, "0")}`,
  );
}
