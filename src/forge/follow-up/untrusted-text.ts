// Agent and CI text where people and models read it, kept as data: in a pull request comment no
// line of it can start a `/slipway` command, a Markdown section, a mention or an image; in a
// prompt it sits inside a labelled block that it cannot close.

/** Control characters (line breaks included) of untrusted text: each becomes one space. */
const controlCharacters = /[\p{Cc}\u2028\u2029]+/gu;

/** One line of untrusted text, cut to `maxChars`. */
export function untrustedLine(text: string, maxChars: number): string {
  const line = text.replace(controlCharacters, " ").trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/**
 * `text` (cut to `maxChars`) as a code block inside a blockquote: every line of the comment starts
 * with `>`, so none is a command, and the fence is longer than any run of backticks in it, so the
 * text cannot end the block and add Markdown of its own.
 */
export function quotedCodeBlock(text: string, maxChars: number): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
  const lines = cut
    .replace(/\r\n?/g, "\n")
    .replace(/[\u2028\u2029]/g, "\n")
    .split("\n");
  const longestRun = Math.max(0, ...(cut.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return [`${fence}text`, ...lines, fence].map((line) => `> ${line}`).join("\n");
}

/**
 * `lines` as a block of untrusted data for a prompt: opened and closed by `<tag>` lines, with every
 * mention of the tag inside defused so the data cannot close the block early.
 */
export function untrustedDataBlock(tag: string, lines: readonly string[]): string[] {
  const tagMention = new RegExp(`<\\s*/?\\s*${tag}`, "gi");
  const inner = lines.map((line) => line.replace(tagMention, (mention) => mention.replace("<", "‹")));
  return [`<${tag}>`, ...inner, `</${tag}>`];
}
