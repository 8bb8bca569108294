// Benchmark: how much of the verifiers' raw output the agent is shown, on every fixture project
// the tests build (a planted failing test, lint, type or compile error per project, for each
// ecosystem), and whether every failing test is still named in what it is shown.
// Run: node bench/verify-compression.ts [--write]   (prints a markdown table; --write also writes
// docs/benchmarks-verify.md). Exits 1 when a failing test cannot be identified in the summary.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Finding } from "../src/core/finding.ts";
import { goFixtures } from "../src/verify/go/go-fixtures.ts";
import { javaFixtures } from "../src/verify/java/java-fixtures.ts";
import { failingTestNames, nodeFixtures } from "../src/verify/node/node-fixtures.ts";
import { type PlantedFixture, runPlantedFixture } from "../src/verify/planted-fixtures.ts";
import { pythonFixtures } from "../src/verify/python/python-fixtures.ts";
import { defaultSummaryChars } from "../src/verify/run-verifiers.ts";
import { rustFixtures } from "../src/verify/rust/rust-fixtures.ts";
import { estimateTokens, expandGroupedTestNames, summarizeReport } from "../src/verify/summarize.ts";
import type { VerificationReport } from "../src/verify/verifier.ts";

/** One fixture of the corpus: how to run it and the failing tests it plants. */
interface CorpusEntry {
  ecosystem: string;
  name: string;
  failingTests: string[];
  run(signal: AbortSignal): Promise<{ report: VerificationReport } | { skip: string }>;
}

/** Per fixture: a cold Maven or Gradle build offline can take minutes. */
const fixtureTimeoutMs = 600_000;
const concurrency = 3;

function plantedEntries(ecosystem: string, fixtures: readonly PlantedFixture[]): CorpusEntry[] {
  return fixtures.map((fixture) => ({
    ecosystem,
    name: fixture.name,
    failingTests: failingTestNames(fixture),
    async run(signal) {
      const skip = fixture.unavailable();
      if (skip) return { skip };
      return { report: (await runPlantedFixture(fixture, signal)).report };
    },
  }));
}

/** The corpus: add an ecosystem's fixtures here. */
function corpus(): CorpusEntry[] {
  return [
    ...plantedEntries("node", nodeFixtures()),
    ...plantedEntries("python", pythonFixtures()),
    ...plantedEntries("rust", rustFixtures),
    ...plantedEntries("go", goFixtures),
    ...plantedEntries("java", javaFixtures),
  ];
}

/**
 * True when `name` is in `lines` in full, or shortened the way the summary shortens long names
 * (its start, "…", its end) by a line that matches no other failing test.
 */
function identified(name: string, lines: string[], others: string[]): boolean {
  if (lines.some((line) => line.includes(name))) return true;
  const matches = (line: string, candidate: string): boolean => {
    const cut = line.lastIndexOf("…");
    const tail = line.slice(cut + 1);
    if (cut < 0 || tail === "" || !candidate.endsWith(tail)) return false;
    const before = line.slice(0, cut);
    for (let head = candidate.length - tail.length - 1; head >= 1; head--) {
      if (before.endsWith(candidate.slice(0, head))) return true;
    }
    return false;
  };
  return lines.some(
    (line) => matches(line, name) && !others.some((other) => other !== name && matches(line, other)),
  );
}

interface Row {
  ecosystem: string;
  name: string;
  checks: number;
  rawChars: number;
  shownChars: number;
  failing: number;
  inFull: number;
  identified: number;
  problems: number;
}

function measure(entry: CorpusEntry, report: VerificationReport): Row {
  const shown = summarizeReport(report, defaultSummaryChars);
  // A name listed under its shared suite counts as shown in full: suite + own name, nothing cut.
  const lines = [...shown.split("\n"), ...expandGroupedTestNames(shown)];
  const names = entry.failingTests;
  const findings: Finding[] = report.results.flatMap((result) => result.findings);
  return {
    ecosystem: entry.ecosystem,
    name: entry.name,
    checks: report.results.length,
    rawChars: report.results.reduce((sum, result) => sum + result.rawChars, 0),
    shownChars: shown.length,
    failing: names.length,
    inFull: names.filter((name) => lines.some((line) => line.includes(name))).length,
    identified: names.filter((name) => identified(name, lines, names)).length,
    problems: findings.filter((finding) => finding.kind !== "test").length,
  };
}

async function runAll(entries: CorpusEntry[]): Promise<{ rows: Row[]; skipped: string[] }> {
  const rows: Row[] = [];
  const skipped: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const entry = entries[next++]!;
      const outcome = await entry.run(AbortSignal.timeout(fixtureTimeoutMs));
      if ("skip" in outcome) skipped.push(`${entry.ecosystem} ${entry.name}: ${outcome.skip}`);
      else rows.push(measure(entry, outcome.report));
      process.stderr.write(
        `${"skip" in outcome ? "skipped" : "measured"} ${entry.ecosystem} ${entry.name}\n`,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const order = new Map(entries.map((entry, index) => [`${entry.ecosystem} ${entry.name}`, index]));
  rows.sort((a, b) => order.get(`${a.ecosystem} ${a.name}`)! - order.get(`${b.ecosystem} ${b.name}`)!);
  return { rows, skipped };
}

const number = (value: number): string => value.toLocaleString("en-US");
const ratio = (raw: number, shown: number): string => (shown === 0 ? "—" : `${(raw / shown).toFixed(1)}×`);
const recall = (found: number, all: number): string => (all === 0 ? "—" : `${found}/${all}`);

function table(rows: Row[]): string {
  const header =
    "| ecosystem | fixture | checks | raw chars | raw tokens | shown chars | shown tokens | raw ÷ shown | failing tests | names in full | tests identified | other findings |";
  const rule = `|${"---|".repeat(12)}`;
  const body = rows.map((row) =>
    [
      row.ecosystem,
      row.name,
      row.checks,
      number(row.rawChars),
      number(estimateTokens("x".repeat(row.rawChars))),
      number(row.shownChars),
      number(estimateTokens("x".repeat(row.shownChars))),
      ratio(row.rawChars, row.shownChars),
      row.failing,
      recall(row.inFull, row.failing),
      recall(row.identified, row.failing),
      row.problems,
    ].join(" | "),
  );
  const sum = (pick: (row: Row) => number): number => rows.reduce((total, row) => total + pick(row), 0);
  const raw = sum((row) => row.rawChars);
  const shown = sum((row) => row.shownChars);
  const total = [
    "**all**",
    `**${rows.length} fixtures**`,
    sum((row) => row.checks),
    number(raw),
    number(Math.ceil(raw / 4)),
    number(shown),
    number(Math.ceil(shown / 4)),
    ratio(raw, shown),
    sum((row) => row.failing),
    recall(
      sum((row) => row.inFull),
      sum((row) => row.failing),
    ),
    recall(
      sum((row) => row.identified),
      sum((row) => row.failing),
    ),
    sum((row) => row.problems),
  ].join(" | ");
  return [header, rule, ...body.map((line) => `| ${line} |`), `| ${total} |`].join("\n");
}

function document(markdown: string, skipped: string[]): string {
  return [
    "# Verification output: raw logs vs. what the agent is shown",
    "",
    `Measured with \`node bench/verify-compression.ts --write\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
    "",
    "## How it was measured",
    "",
    "- **Corpus:** every fixture project the tests build, one per planted problem: a failing test (with nested",
    "  suites, a broken test file, a failing hook, 147 failing tests with long names), a lint error, a type or",
    "  compile error. Node fixtures come from `src/verify/node/node-fixtures.ts`, then those of Python, Rust, Go",
    "  and Java (`src/verify/*/…-fixtures.ts`). Each runs with the real tools on this machine, through",
    "  detection and `runVerifiers` at the fixture's speed in a `none` sandbox: the code path of the gate.",
    "- **raw chars:** everything the checks printed (stdout and stderr), summed over the fixture's checks.",
    "  Checks run as on a CI runner (CI=true, no NO_COLOR), so tools such as Vitest and Jest print colour",
    "  codes; they count here and are stripped before parsing.",
    `- **shown chars:** the text the agent gets back, \`summarizeReport(report, ${defaultSummaryChars})\` (the default`,
    "  budget, `verify.summaryChars`).",
    "- **tokens:** estimated as characters ÷ 4 (`estimateTokens`), not counted with a real tokenizer.",
    "- **names in full:** failing tests whose full name is shown: verbatim, or as the suite path said once",
    "  over a group of tests plus the test's own name under it (`expandGroupedTestNames`).",
    "- **tests identified:** failing tests named in full, or shortened the way the summary shortens long names",
    "  when many fail (start … end) by a line that matches no other failing test. The script exits non-zero",
    "  when this is below 100% for any fixture.",
    "- **other findings:** lint, type, compile and other findings parsed (they may be cut to fit; a note says how many).",
    "",
    "- **Reading it:** the saving grows with the log: a few failing tests shrink 2–8×, a log of 100+ failures",
    "  10–16×, to the ~6,000-character budget. Tiny outputs (one type error, a vet warning) can grow a",
    "  little, since each check gets a summary line. When very many tests fail, the summary lists them per",
    "  file under the suite path they share, said once, so every name stays whole; only when that still does",
    "  not fit are long names shortened in the middle (start … end), which tests identified still counts.",
    "",
    "## Results",
    "",
    markdown,
    "",
    ...(skipped.length > 0
      ? ["Skipped (toolchain missing on this machine):", "", ...skipped.map((line) => `- ${line}`), ""]
      : []),
  ].join("\n");
}

async function main(): Promise<void> {
  const { rows, skipped } = await runAll(corpus());
  const markdown = table(rows);
  process.stdout.write(`${markdown}\n`);
  for (const line of skipped) process.stdout.write(`skipped: ${line}\n`);
  if (process.argv.includes("--write")) {
    const file = path.resolve(import.meta.dirname, "../docs/benchmarks-verify.md");
    await writeFile(file, document(markdown, skipped));
    process.stderr.write(`wrote ${file}\n`);
  }
  const missed = rows.filter((row) => row.identified < row.failing);
  if (missed.length > 0) {
    process.stderr.write(`failing tests not identified in: ${missed.map((row) => row.name).join(", ")}\n`);
    process.exitCode = 1;
  }
}

await main();
