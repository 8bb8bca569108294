// Test support: which parts of a Markdown text render as Markdown (outside code blocks and code
// spans), to show that text placed there literally cannot make structure, mentions or links.

/** Code spans on one line removed (CommonMark: a run of n backticks closes at the next run of n). */
function withoutCodeSpans(line: string): string {
  let rest = line;
  let prose = "";
  for (let guard = 0; guard < 1000; guard++) {
    const open = /`+/.exec(rest);
    if (!open) return prose + rest;
    const after = rest.slice(open.index + open[0].length);
    const close = new RegExp(`(?<!\`)${open[0]}(?!\`)`).exec(after);
    if (!close) return prose + rest;
    prose += rest.slice(0, open.index);
    rest = after.slice(close.index + close[0].length);
  }
  throw new Error("too many code spans");
}

/** What of a Markdown body renders as Markdown: lines outside fenced code blocks, code spans removed. */
export function markdownProse(body: string): string {
  const lines: string[] = [];
  let fence = 0;
  for (const line of body.split("\n")) {
    const run = /^ {0,3}(`{3,})/.exec(line)?.[1]?.length ?? 0;
    if (fence === 0 && run > 0) fence = run;
    else if (fence > 0 && run >= fence && /^ {0,3}`+\s*$/.test(line)) fence = 0;
    else if (fence === 0) lines.push(withoutCodeSpans(line));
  }
  return lines.join("\n");
}
