// The text the agent sees after verification: one line per check, then the findings of the
// failing ones, within a character budget. Failing test names are never dropped.
import type { Finding, FindingKind, VerifierResult } from "../core/finding.ts";
import { formatDuration } from "../report/figures.ts";
import { clip } from "./parsers/output-text.ts";
import { unseenFindings } from "./parsers/unique-findings.ts";
import type { VerificationReport } from "./verifier.ts";

/** Rough token count of `text` for budgets given in tokens (about four characters per token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const countNouns: Record<FindingKind, [string, string]> = {
  test: ["failing test", "failing tests"],
  type: ["type error", "type errors"],
  compile: ["compile error", "compile errors"],
  lint: ["lint problem", "lint problems"],
  build: ["build error", "build errors"],
  unknown: ["problem", "problems"],
};

const warningNouns: Record<FindingKind, [string, string]> = {
  test: ["test warning", "test warnings"],
  type: ["type warning", "type warnings"],
  compile: ["compile warning", "compile warnings"],
  lint: ["lint warning", "lint warnings"],
  build: ["build warning", "build warnings"],
  unknown: ["warning", "warnings"],
};

/** `3 compile errors, 2 compile warnings`: counted by kind and severity, errors before warnings. */
function describeCounts(findings: Finding[]): string {
  const counts = new Map<string, { nouns: [string, string]; count: number }>();
  const ordered = [
    ...findings.filter((finding) => finding.severity !== "warning"),
    ...findings.filter((finding) => finding.severity === "warning"),
  ];
  for (const finding of ordered) {
    const warning = finding.severity === "warning";
    const key = `${warning ? "w" : "e"}:${finding.kind}`;
    const entry = counts.get(key) ?? { nouns: (warning ? warningNouns : countNouns)[finding.kind], count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].map(({ nouns, count }) => `${count} ${nouns[count === 1 ? 0 : 1]}`).join(", ");
}

/** One line for a check: ✓/✗, name, duration and what it found. */
export function checkLine(result: VerifierResult, truncated = false): string {
  const head = `${result.passed ? "✓" : "✗"} ${result.name} (${formatDuration(result.durationMs)})`;
  const parsed = result.findings.filter((finding) => finding.kind !== "unknown");
  let detail = "";
  if (result.timedOut) detail = ["timed out", describeCounts(parsed)].filter(Boolean).join(", ");
  else if (result.unparsed) detail = `exit ${result.exitCode ?? "by signal"}, output not parsed`;
  else if (!result.passed)
    detail = describeCounts(result.findings) || `exit ${result.exitCode ?? "by signal"}`;
  else if (result.findings.length > 0) detail = describeCounts(result.findings);
  if (truncated) detail = [detail, "output truncated"].filter(Boolean).join("; ");
  return detail ? `${head}: ${detail}` : head;
}

/** How much of each finding to show; the ladder below goes from everything to names only. */
interface Detail {
  context: boolean;
  testMessages: boolean;
  /** Findings other than failing tests shown per check. */
  othersPerCheck: number;
  /** Longest test name shown; longer names keep their start and end. */
  nameCap: number;
  locations: boolean;
  /** Failing tests listed per file under the suite path they share, said once. */
  groupSuites: boolean;
}

const all = Number.POSITIVE_INFINITY;
const full: Detail = {
  context: true,
  testMessages: true,
  othersPerCheck: all,
  nameCap: all,
  locations: true,
  groupSuites: false,
};
/**
 * Steps before any test name is shortened, from everything to one other finding per check. A
 * failing test's message says why it failed; repeated diagnostics of the same kind say little
 * more than the first few, so they go first.
 */
const ladder: Detail[] = [
  full,
  { ...full, context: false },
  { ...full, context: false, othersPerCheck: 20 },
  { ...full, context: false, othersPerCheck: 5 },
  { ...full, context: false, othersPerCheck: 1 },
  { ...full, context: false, othersPerCheck: 1, testMessages: false },
  { ...full, context: false, othersPerCheck: 1, testMessages: false, groupSuites: true },
];
/** Shortest test name kept with its file:line, and without. */
const minNameWithLocation = 40;
const minName = 24;

/** Shorten a long test name in the middle, keeping its start (suites) and more of its end (the test). */
function capName(name: string, cap: number): string {
  if (name.length <= cap) return name;
  const head = Math.floor((cap - 1) / 3);
  return `${name.slice(0, head)}…${name.slice(name.length - (cap - 1 - head))}`;
}

function location(finding: Finding): string {
  if (finding.file === undefined) return "";
  return finding.line === undefined ? `${finding.file}: ` : `${finding.file}:${finding.line}: `;
}

function renderFinding(finding: Finding, detail: Detail): string[] {
  const where = detail.locations ? location(finding) : "";
  const isTest = finding.kind === "test" && finding.test !== undefined;
  const lines: string[] = [];
  if (isTest) {
    lines.push(`  ${where}${capName(finding.test!, detail.nameCap)}`);
    if (detail.testMessages) lines.push(`    ${clip(finding.message, 300)}`);
  } else {
    const rule = finding.rule ? `${finding.rule} ` : "";
    const warning = finding.severity === "warning" ? "warning: " : "";
    lines.push(`  ${where}${warning}${rule}${clip(finding.message, 300)}`);
  }
  if (detail.context && finding.context && (!isTest || detail.testMessages)) {
    lines.push(...finding.context.split("\n").map((line) => `      ${line}`.trimEnd()));
  }
  return lines;
}

const suiteSeparators = [" > ", " › ", "::"];

/** The suite path (whole segments) every one of `names` starts with, leaving each a test name of its own. */
export function sharedSuite(names: readonly string[]): { prefix: string; separator: string } | undefined {
  if (names.length < 2) return undefined;
  const separator = suiteSeparators.find((candidate) => names.every((name) => name.includes(candidate)));
  if (!separator) return undefined;
  const parts = names.map((name) => name.split(separator));
  const first = parts[0]!;
  const deepest = Math.min(...parts.map((segments) => segments.length)) - 1;
  let depth = 0;
  while (depth < deepest && parts.every((segments) => segments[depth] === first[depth])) depth++;
  return depth === 0 ? undefined : { prefix: first.slice(0, depth).join(separator), separator };
}

/**
 * The function every one of `names` parametrizes (pytest's `test_f[1]`, `test_f[2]` → `test_f`),
 * when they all share one and each has its own parameters.
 */
export function sharedParametrized(names: readonly string[]): string | undefined {
  if (names.length < 2) return undefined;
  const functions = names.map((name) => /^([^[]+)\[.*\]$/s.exec(name)?.[1]);
  const first = functions[0];
  return first !== undefined && functions.every((name) => name === first) ? first : undefined;
}

/** What a group of test names shares, said once as a heading, and each name's own part under it. */
function groupHeading(names: readonly string[]): { heading: string; ownLength: number } {
  const shared = sharedSuite(names);
  const sharedLength = shared ? shared.prefix.length + shared.separator.length : 0;
  const parametrized = sharedParametrized(names.map((name) => name.slice(sharedLength)));
  if (parametrized !== undefined) {
    const prefix = names[0]!.slice(0, sharedLength + parametrized.length);
    return { heading: `${prefix}[…]`, ownLength: prefix.length };
  }
  return { heading: shared ? `${shared.prefix}${shared.separator.trimEnd()}` : "", ownLength: sharedLength };
}

/**
 * Failing tests per file, what they share said once: `  file: suite >` then `    line: test`, or for
 * one parametrized test `  file: file::test_f[…]` then `    line: [params]`.
 */
function renderGroupedTests(tests: readonly Finding[], detail: Detail): string[] {
  const byFile = new Map<string, Finding[]>();
  for (const test of tests) byFile.set(test.file ?? "", [...(byFile.get(test.file ?? "") ?? []), test]);
  const lines: string[] = [];
  for (const [file, group] of byFile) {
    const { heading, ownLength } = groupHeading(group.map((test) => test.test!));
    const where = detail.locations && file ? file : "";
    lines.push(`  ${[where, heading].filter(Boolean).join(": ") || "tests"}:`);
    for (const test of group) {
      const at = detail.locations && test.line !== undefined ? `${test.line}: ` : "";
      lines.push(`    ${at}${capName(test.test!.slice(ownLength), detail.nameCap)}`);
    }
  }
  return lines;
}

/** The findings of `result` not listed for an earlier check, errors before warnings. */
function newFindings(result: VerifierResult, shown: Set<string>): { fresh: Finding[]; repeated: number } {
  const { fresh, repeated } = unseenFindings(result.findings, shown);
  // Errors first: a warning printed before the failure must not take the error's place.
  const errors = fresh.filter((finding) => finding.severity !== "warning");
  return { fresh: [...errors, ...fresh.filter((finding) => finding.severity === "warning")], repeated };
}

/** The findings section of one failing check, with a note of how many findings were cut. */
function renderCheck(result: VerifierResult, detail: Detail, shown: Set<string>): string[] {
  const lines = [`${result.name}${result.unparsed ? " (last lines of output)" : ""}:`];
  const isNamedTest = (finding: Finding): boolean => finding.kind === "test" && finding.test !== undefined;
  let others = 0;
  let cut = 0;
  const { fresh: ordered, repeated } = newFindings(result, shown);
  for (const finding of ordered) {
    const isTest = isNamedTest(finding);
    if (isTest && detail.groupSuites) continue;
    if (!isTest && others >= detail.othersPerCheck) {
      cut++;
      continue;
    }
    if (!isTest) others++;
    lines.push(...renderFinding(finding, detail));
  }
  if (detail.groupSuites) lines.push(...renderGroupedTests(ordered.filter(isNamedTest), detail));
  if (repeated > 0)
    lines.push(
      `  … ${repeated} ${repeated === 1 ? "finding" : "findings"} as listed above for another check`,
    );
  if (cut > 0)
    lines.push(`  … ${cut} ${others > 0 ? "more " : ""}${cut === 1 ? "finding" : "findings"} cut to fit`);
  return lines;
}

function render(report: VerificationReport, detail: Detail): string {
  const lines = report.results.map((result) => result.summary || checkLine(result));
  const failing = report.results.filter((result) => result.findings.length > 0 && !result.passed);
  const shown = new Set<string>();
  for (const result of failing) lines.push("", ...renderCheck(result, detail, shown));
  const hasTests = failing.some((result) => result.findings.some((finding) => finding.kind === "test"));
  if (hasTests && !detail.testMessages)
    lines.push("", "(test errors left out to fit; run verify again after fixing some)");
  return lines.join("\n");
}

/** The longest name cap in [floor, longest name] whose rendering fits, if any. */
function fitNames(
  report: VerificationReport,
  base: Detail,
  floor: number,
  budget: number,
): string | undefined {
  const names = report.results.flatMap((result) =>
    result.findings.map((finding) => finding.test?.length ?? 0),
  );
  let low = floor;
  let high = Math.max(floor, ...names);
  let best: string | undefined;
  while (low <= high) {
    const cap = Math.floor((low + high) / 2);
    const text = render(report, { ...base, nameCap: cap });
    if (text.length <= budget) {
      best = text;
      low = cap + 1;
    } else {
      high = cap - 1;
    }
  }
  return best;
}

/**
 * The verification summary for the agent, at most `budgetChars` long when it can be: context goes
 * first, then messages and other findings, then the length of each test name and its location;
 * failing test names are never dropped, so very many failing tests may exceed the budget.
 */
export function summarizeReport(report: VerificationReport, budgetChars: number): string {
  if (report.results.length === 0)
    return `no checks ran at speed ${report.speed}: none were detected or declared`;
  for (const detail of ladder) {
    const text = render(report, detail);
    if (text.length <= budgetChars) return text;
  }
  const lean = ladder[ladder.length - 1]!;
  const leaner: Detail = { ...lean, othersPerCheck: 0 };
  return (
    fitNames(report, lean, minNameWithLocation, budgetChars) ??
    fitNames(report, leaner, minNameWithLocation, budgetChars) ??
    fitNames(report, { ...leaner, locations: false }, minName, budgetChars) ??
    render(report, { ...leaner, locations: false, nameCap: minName })
  );
}

/**
 * The full names of the tests a summary lists under a shared suite (`  file: suite >` then
 * `    12: test`) or a parametrized test (`  file: file::test_f[…]` then `    12: [params]`), for
 * readers that look names up whole (the compression benchmark).
 */
export function expandGroupedTestNames(summary: string): string[] {
  const names: string[] = [];
  let suite: { prefix: string; separator: string } | undefined;
  for (const line of summary.split("\n")) {
    const header = /^ {2}(?:\S.*?: )?(.+?)( >| ›|::|\[…\]):$/.exec(line);
    if (header) {
      const separators: Record<string, string> = { "::": "::", "[…]": "" };
      suite = { prefix: header[1]!, separator: separators[header[2]!] ?? `${header[2]} ` };
      continue;
    }
    const member = /^ {4}(?:\d+: )?(\S.*)$/.exec(line);
    if (member && suite) names.push(`${suite.prefix}${suite.separator}${member[1]}`);
    else if (!member) suite = undefined;
  }
  return names;
}
