// Task runners that run scripts side by side put a label before every line of their output and
// interleave them: turbo (`@repo/ui:test: …`), pnpm -r (`packages/ui test: …`), npm-run-all -l and
// concurrently (`[test:unit] …`). Parsers anchor on line starts, so the output is split back into one
// text per label first, and a file a finding names relative to its package is resolved from there.
import type { Finding } from "../../core/finding.ts";
import { outputLines } from "./output-text.ts";

/** One labelled script's lines, without the label, and its directory when the output shows it. */
export interface OutputGroup {
  label: string;
  text: string;
  /** Relative to the worktree (pnpm names it) or absolute (npm's `npm error path`). */
  directory?: string;
}

interface LabelForm {
  pattern: RegExp;
  /** The directory a label names, when it names one. */
  directoryOf?: (match: RegExpExecArray) => string;
}

// A script name holds a letter: `main.c:7:30: error` is a compiler line, not `main.c:7:30`'s output.
// (A lookahead, not `[\w:.-]*[A-Za-z][\w:.-]*`, whose two stars would backtrack quadratically.)
const scriptName = String.raw`(?=[\w:.-]*[A-Za-z])[\w:.-]+`;
const labelForms: readonly LabelForm[] = [
  // turbo: `@scope/name:script: text`
  { pattern: new RegExp(String.raw`^(@?[\w.-]+(?:/[\w.-]+)?:${scriptName}):(?: (.*))?$`) },
  // pnpm -r: `dir script: text` (`.` is the root)
  {
    pattern: new RegExp(String.raw`^((\.|[\w@.-]+(?:/[\w@.-]+)*) ${scriptName}):(?: (.*))?$`),
    directoryOf: (match) => match[2]!,
  },
  // npm-run-all --print-label, concurrently: `[label] text`
  { pattern: /^\[([\w:@/.-]+) *\](?: (.*))?$/ }, // npm-run-all pads labels: `[test:ui  ]`
];
/** A form counts only when it labels at least this share of the lines that say something. */
const minLabelledShare = 0.5;
const maxLabels = 50;
const maxLineChars = 2_000;

function groupsBy(lines: string[], form: LabelForm): OutputGroup[] | undefined {
  const groups = new Map<string, { lines: string[]; directory?: string }>();
  const unlabelled: string[] = [];
  let labelled = 0;
  let meaningful = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    meaningful++;
    const match = line.length <= maxLineChars ? form.pattern.exec(line) : null;
    if (!match) {
      unlabelled.push(line);
      continue;
    }
    labelled++;
    const label = match[1]!;
    const group = groups.get(label) ?? { lines: [], directory: form.directoryOf?.(match) };
    group.lines.push(match.at(-1) ?? "");
    groups.set(label, group);
    if (groups.size > maxLabels) return undefined;
  }
  if (meaningful === 0 || labelled / meaningful < minLabelledShare) return undefined;
  const result = [...groups].map(([label, group]) => ({
    label,
    text: group.lines.join("\n"),
    directory: group.directory,
  }));
  if (unlabelled.length > 0) result.push({ label: "", text: unlabelled.join("\n"), directory: undefined });
  return result;
}

/** The output split by label, or undefined when no label form covers most of its lines. */
export function splitLabelledOutput(output: string): OutputGroup[] | undefined {
  const lines = outputLines(output);
  for (const form of labelForms) {
    const groups = groupsBy(lines, form);
    if (groups) return groups;
  }
  return undefined;
}

/** The absolute spelling of `file` in `text` (a stack frame, `npm error path`), if there is one. */
function absoluteSpelling(text: string, file: string): string | undefined {
  const needle = `/${file.replace(/^\.\//, "")}`;
  let from = 0;
  // indexOf, not a regex: a hostile output must not make this search backtrack.
  for (let tries = 0; tries < 50; tries++) {
    const at = text.indexOf(needle, from);
    if (at < 0) return undefined;
    const after = text[at + needle.length];
    let start = at;
    while (start > 0 && !/[\s('"`]/.test(text[start - 1]!)) start--;
    const spelled = text.slice(start, at).replace(/^file:\/\//, "");
    if (spelled.startsWith("/") && (after === undefined || /[\s:)'"`]/.test(after)))
      return `${spelled}${needle}`;
    from = at + needle.length;
  }
  return undefined;
}

/** `findings` of `group` with each relative file made reachable from the worktree's root. */
export function resolveGroupFiles(findings: Finding[], group: OutputGroup): Finding[] {
  const npmPath = /^npm error path (\/\S+)$/m.exec(group.text)?.[1];
  const directory = group.directory ?? npmPath;
  return findings.map((finding) => {
    const file = finding.file;
    if (file === undefined || file.startsWith("/")) return finding;
    const resolved =
      absoluteSpelling(group.text, file) ??
      (directory && directory !== "."
        ? `${directory.replace(/\/$/, "")}/${file.replace(/^\.\//, "")}`
        : file);
    return { ...finding, file: resolved };
  });
}
