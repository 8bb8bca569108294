// What a binary change is, for the guards and the judge: sizes, why git calls it binary, what the
// content looks like, and the printable text inside it. Pure: the bytes come from the caller.

/** A change git would show as "Binary files … differ"; its lines are still in the DiffFile. */
export interface BinaryChange {
  /** Bytes of the old blob; undefined for an added file. */
  oldSize?: number;
  /** Bytes of the new blob; undefined for a deleted file. */
  newSize?: number;
  /** Why git calls it binary: a NUL byte in its content, or the repository's .gitattributes. */
  reason: "nul-bytes" | "attributes" | "unknown";
  /** What the content looks like: "PNG image", "ELF executable", "text", "data", … */
  contentType: string;
}

/**
 * Magic numbers of common binary formats, as prefixes. The content arrives decoded as UTF-8, so a
 * byte above 0x7f that is not valid UTF-8 reads as U+FFFD; the prefixes are written as they read.
 */
const signatures: readonly [string, string][] = [
  ["\uFFFDPNG\r\n\x1a\n", "PNG image"],
  ["GIF87a", "GIF image"],
  ["GIF89a", "GIF image"],
  ["%PDF-", "PDF document"],
  ["PK\x03\x04", "ZIP archive (also jar, docx, apk…)"],
  ["\x1f\uFFFD\x08", "gzip data"],
  ["BZh", "bzip2 data"],
  ["\uFFFD7zXZ\0", "xz data"],
  ["\x7fELF", "ELF executable or library"],
  ["MZ", "Windows executable (PE)"],
  ["\0asm", "WebAssembly module"],
  ["SQLite format 3\0", "SQLite database"],
  ["wOFF", "web font"],
  ["wOF2", "web font"],
  ["\0\x01\0\0", "TrueType font"],
  ["\uFFFD\uFFFD\uFFFD", "JPEG image or other binary data"],
];

/** Control characters other than tab, newline, vertical tab, form feed and carriage return, or U+FFFD. */
function isNonText(code: number): boolean {
  return (code < 0x20 && (code < 0x09 || code > 0x0d)) || code === 0x7f || code === 0xfffd;
}

/** What `head` (the start of a blob, decoded as UTF-8) looks like, by magic number or content. */
export function sniffContentType(head: string): string {
  for (const [signature, type] of signatures) if (head.startsWith(signature)) return type;
  if (head.startsWith("RIFF") && head.slice(8, 12) === "WEBP") return "WebP image";
  if (head.length === 0) return "empty";
  if (![...head].some((char) => isNonText(char.charCodeAt(0)))) return "text";
  if (head.includes("\0")) {
    // UTF-16 text: every other byte NUL.
    const sample = head.slice(0, 400);
    const nulShare = (sample.match(/\0/g)?.length ?? 0) / sample.length;
    if (nulShare > 0.3 && nulShare < 0.7 && /[A-Za-z]\0[A-Za-z]/.test(sample)) return "UTF-16 text";
    return "data with NUL bytes";
  }
  return "data (not valid UTF-8 text)";
}

/** Runs of at least this many printable characters count as text inside binary data. */
const minimumRun = 6;

/** The printable text shown of binary content, and how much of it there is in all. */
export interface PrintableText {
  /** The runs shown, one a line, at most `limit` characters in all. */
  text: string;
  /** Characters of `text` (newlines between runs not counted). */
  shown: number;
  /** Characters of every printable run in the content: more than `shown` means some are hidden. */
  total: number;
}

/**
 * The printable text inside binary content (like `strings`): runs of printable characters, at
 * most `limit` characters in all, for a reviewer who cannot read the bytes; and how many
 * printable characters the content holds, so that what is not shown can be said.
 */
export function printableStrings(content: string, limit: number): PrintableText {
  const runs: string[] = [];
  let shown = 0;
  let total = 0;
  let run = "";
  const flush = () => {
    const trimmed = run.trim();
    run = "";
    if (trimmed.length < minimumRun) return;
    total += trimmed.length;
    if (shown >= limit) return;
    const piece = trimmed.slice(0, limit - shown);
    runs.push(piece);
    shown += piece.length;
  };
  for (const char of content) {
    if (isNonText(char.charCodeAt(0)) || char === "\n") flush();
    else run += char;
  }
  flush();
  return { text: runs.join("\n"), shown, total };
}

/** One line for people and the judge: "binary (NUL bytes), 120 → 4,096 bytes, PNG image". */
export function describeBinaryChange(change: BinaryChange): string {
  const size = (bytes: number | undefined) =>
    bytes === undefined ? "none" : `${bytes.toLocaleString("en-US")} bytes`;
  const why = {
    "nul-bytes": "it holds NUL bytes",
    attributes: "the repository's .gitattributes marks it binary",
    unknown: "not inspected",
  }[change.reason];
  return `binary to git (${why}); ${size(change.oldSize)} → ${size(change.newSize)}; content looks like: ${change.contentType}`;
}
