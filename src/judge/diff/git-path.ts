// Reading file names out of git's diff headers: C-style quoting, the a/ b/ prefixes, /dev/null.

const simpleEscapes: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '"': 0x22,
  "\\": 0x5c,
};

/**
 * Decode one C-style quoted string at the start of `text` (git quotes names holding `"`, `\`,
 * control characters or, with core.quotePath, non-ASCII bytes as octal escapes of UTF-8).
 * Returns the decoded value and the rest of the text after the closing quote, or undefined when
 * `text` does not start with a well-formed quoted string.
 */
export function readQuoted(text: string): { value: string; rest: string } | undefined {
  if (!text.startsWith('"')) return undefined;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let index = 1;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') {
      return { value: new TextDecoder().decode(new Uint8Array(bytes)), rest: text.slice(index + 1) };
    }
    if (char !== "\\") {
      const codePoint = text.codePointAt(index)!;
      const literal = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(literal));
      index += literal.length;
      continue;
    }
    const next = text[index + 1];
    if (next === undefined) return undefined;
    const octal = /^[0-7]{3}/.exec(text.slice(index + 1, index + 4));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8));
      index += 4;
    } else if (next in simpleEscapes) {
      bytes.push(simpleEscapes[next]!);
      index += 2;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** Decode a name that may be quoted; an unquoted name is returned as is. */
export function unquoteGitPath(text: string): string {
  const quoted = readQuoted(text);
  return quoted && quoted.rest === "" ? quoted.value : text;
}

/** Remove the `a/` or `b/` prefix collect-diff asks git for. */
function stripPrefix(name: string, prefix: "a/" | "b/"): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * The name on a `--- ` or `+++ ` line (text after the marker), or undefined for /dev/null.
 * Git appends a tab after unquoted names that contain a space, for the benefit of patch(1).
 */
export function pathFromMarkerLine(text: string, prefix: "a/" | "b/"): string | undefined {
  const trimmed = text.endsWith("\t") ? text.slice(0, -1) : text;
  if (trimmed === "/dev/null") return undefined;
  return stripPrefix(unquoteGitPath(trimmed), prefix);
}

/**
 * Both names of a `diff --git a/<old> b/<new>` line (text after `diff --git `). Unquoted names
 * with spaces are ambiguous there, so this is only a fallback for files whose diff has no
 * `---`/`+++` or rename lines (empty new files, binary files, mode changes); in those cases the
 * two names are equal, which makes the split unambiguous.
 */
export function pathsFromDiffGitLine(text: string): { oldPath: string; newPath: string } | undefined {
  const first = readQuoted(text);
  if (first) {
    const rest = first.rest.replace(/^ /, "");
    const second = readQuoted(rest)?.value ?? rest;
    return { oldPath: stripPrefix(first.value, "a/"), newPath: stripPrefix(second, "b/") };
  }
  const quotedSecond = text.indexOf(' "b/');
  if (quotedSecond >= 0) {
    const second = readQuoted(text.slice(quotedSecond + 1));
    if (second)
      return {
        oldPath: stripPrefix(text.slice(0, quotedSecond), "a/"),
        newPath: stripPrefix(second.value, "b/"),
      };
  }
  // "a/N b/N" has length 2n + 5; a name equal on both sides is the only safe reading.
  if ((text.length - 5) % 2 === 0) {
    const length = (text.length - 5) / 2;
    const name = text.slice(2, 2 + length);
    if (text === `a/${name} b/${name}`) return { oldPath: name, newPath: name };
  }
  const split = text.indexOf(" b/");
  if (split < 0) return undefined;
  return { oldPath: stripPrefix(text.slice(0, split), "a/"), newPath: text.slice(split + 3) };
}
