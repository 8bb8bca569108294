// Reads the failures node-tap's own reporters (base, terse) print when output is not TAP: a
// `✖ suite > name [file:line:col]` line, then an indented block with the source, the diff and the
// stack. The live progress repeats blocks; each failure is kept once, with its fullest block.
import type { Finding } from "../../core/finding.ts";
import { clip, dedent, outputLines } from "./output-text.ts";

const failureLine = /^✖ (.+)$/;
/** The location the summary puts after a name: ` test/x.js:3:5` at the end of the line. */
const trailingLocation = / ((?:\/|\.{0,2}\/?)?[\w@.+/-]+\.[cm]?[jt]sx?):(\d+):(\d+)$/;
const locationLine = /^\s+(\S+\.[cm]?[jt]sx?):(\d+):(\d+)$/;
const stackFrame = /\(([^\s()]+):(\d+):(\d+)\)$/;
const maxDiffLines = 14;

interface Block {
  name: string;
  lines: string[];
  location?: { file: string; line: number; column: number };
}

/** The `✖` blocks of `output`, one per failure name, each with the most lines seen for it. */
function readBlocks(output: string): Block[] {
  const blocks = new Map<string, Block>();
  const lines = outputLines(output);
  for (let index = 0; index < lines.length; index++) {
    const head = failureLine.exec(lines[index]!);
    if (!head) continue;
    const body: string[] = [];
    while (index + 1 < lines.length && /^\s+\S/.test(lines[index + 1]!)) body.push(lines[++index]!);
    const text = head[1]!.trimEnd();
    const at = trailingLocation.exec(text);
    const block: Block = { name: (at ? text.slice(0, at.index) : text).trim(), lines: dedent(body) };
    if (at) block.location = { file: at[1]!, line: Number(at[2]), column: Number(at[3]) };
    const known = blocks.get(block.name);
    if (!known) blocks.set(block.name, block);
    else {
      if (block.lines.length > known.lines.length) known.lines = block.lines;
      known.location ??= block.location;
    }
  }
  return [...blocks.values()];
}

function locationOf(block: Block): Block["location"] {
  if (block.location) return block.location;
  for (const line of block.lines) {
    const match = locationLine.exec(` ${line}`) ?? stackFrame.exec(line.trim());
    if (match && !match[1]!.includes("node_modules"))
      return { file: match[1]!, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/** The diff lines between `--- expected` and the stack or `compare:` line. */
function diffOf(lines: string[]): string[] {
  const start = lines.indexOf("--- expected");
  if (start < 0) return [];
  const diff: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!/^[-+ @]/.test(line)) break;
    diff.push(line);
  }
  return diff.filter((line) => !line.startsWith("@@")).slice(0, maxDiffLines);
}

/** `expected X, actual Y` when the diff is one line against one; the whole diff is the context. */
export function describeDiff(diff: string | undefined): { summary?: string; context?: string } {
  if (!diff) return {};
  const lines = diff.split("\n").filter((line) => line.trim() !== "");
  const body = lines.filter(
    (line) => !/^(---|\+\+\+|@@) /.test(line) && !/^(---|\+\+\+) (expected|actual)$/.test(line),
  );
  const removed = body.filter((line) => line.startsWith("-"));
  const added = body.filter((line) => line.startsWith("+"));
  const summary =
    body.length === 2 && removed.length === 1 && added.length === 1
      ? `expected ${removed[0]!.slice(1).trim()}, actual ${added[0]!.slice(1).trim()}`
      : undefined;
  return { summary, context: body.slice(0, maxDiffLines).join("\n") };
}

/** One finding per `✖` failure of node-tap's base or terse reporter. */
export function parseTapReporterBlocks(output: string): Finding[] {
  return readBlocks(output).map((block) => {
    const { summary, context } = describeDiff(diffOf(block.lines).join("\n"));
    const leaf = block.name.split(" > ").at(-1)!;
    const message = summary ? `${leaf}: ${summary}` : leaf;
    const finding: Finding = { kind: "test", test: block.name, message: clip(message, 400) };
    const location = locationOf(block);
    if (location) Object.assign(finding, location);
    if (context) finding.context = context;
    return finding;
  });
}
