// Text helpers every output parser shares: colour codes out, package-manager chatter out, lines in.

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks) that tools print to terminals.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape codes is the point.
const ansiPattern = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** Remove terminal colour and cursor codes. */
export function stripAnsi(text: string): string {
  return text.replace(ansiPattern, "");
}

/** Split tool output into lines without colour codes or carriage returns. */
export function outputLines(output: string): string[] {
  return stripAnsi(output).replace(/\r\n?/g, "\n").split("\n");
}

// What npm, pnpm, yarn and bun print around a script; it says a script failed, never why.
const runnerNoise = [
  /^npm (error|ERR!|warn|notice)/,
  /^> \S+(@\S*)? \S+$/, // npm's "> name@1.0.0 test" header
  /^> /, // the script line npm echoes under the header
  /^\s*ELIFECYCLE\b/,
  /^\s*ERR_PNPM_/,
  /^ERROR: "?\S+"? exited with \d+/,
  /^error Command failed with exit code \d+/,
  /^info Visit https:\/\/yarnpkg\.com/,
  /^\$ /, // yarn and bun echo the script as "$ command"
  /^error: script "\S+" exited with code \d+/, // bun
];

// A coverage tool's text table (istanbul's, as c8 and nyc print it): a report, never a diagnostic.
const coverageTable = [
  /^-+(\|-+)+\|?$/, // ----------|---------|
  /^\s*File\s*\|\s*% Stmts\b/, // the header
  /^[^|]*(\|\s*[\d.]*\s*){4}\|[^|]*$/, // ` index.js |  100 |  100 |  100 |  100 | 12-14`
];

/** True for a row of a c8/nyc/istanbul coverage table. */
export function isCoverageTableLine(line: string): boolean {
  return coverageTable.some((pattern) => pattern.test(line));
}

/** True for a line a package manager printed around a script rather than the script's own output. */
export function isRunnerNoise(line: string): boolean {
  return runnerNoise.some((pattern) => pattern.test(line));
}

/** Shorten `text` to at most `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Remove the common leading indentation of `lines` (blank lines do not count). */
export function dedent(lines: string[]): string[] {
  const indents = lines
    .filter((line) => line.trim() !== "")
    .map((line) => line.length - line.trimStart().length);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(common));
}

/** Drop blank lines at both ends. */
export function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === "") start++;
  while (end > start && lines[end - 1]!.trim() === "") end--;
  return lines.slice(start, end);
}
