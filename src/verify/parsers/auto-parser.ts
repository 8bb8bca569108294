// Recognises the tools of a check from its output, for commands whose text names no known tool (a
// wrapper such as ts-scripts, npm-run-all, c8, turbo, a nested `npm run`, make): every parser whose
// signature appears reads the output, in the order the tools printed, so a chain that runs tsc then
// vitest yields both kinds of findings. A task runner's labelled, interleaved lines (turbo, pnpm -r,
// npm-run-all -l) are split back per script first. Nothing recognised: no findings (the generic
// fallback follows).
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { avaParser } from "./ava-parser.ts";
import { biomeParser } from "./biome-parser.ts";
import { cargoParser } from "./cargo-parser.ts";
import { cmakeParser } from "./cmake-parser.ts";
import { ctestParser } from "./ctest-parser.ts";
import { eslintParser } from "./eslint-parser.ts";
import { gccParser } from "./gcc-parser.ts";
import { goParser } from "./go-parser.ts";
import { gradleParser } from "./gradle-parser.ts";
import { jestParser } from "./jest-parser.ts";
import { mavenParser } from "./maven-parser.ts";
import { mochaParser } from "./mocha-parser.ts";
import { mypyParser } from "./mypy-parser.ts";
import { nodeTapParser } from "./node-tap-parser.ts";
import { nodeTestParser } from "./node-test-parser.ts";
import { stripAnsi } from "./output-text.ts";
import { type OutputGroup, resolveGroupFiles, splitLabelledOutput } from "./prefixed-output.ts";
import { pytestParser } from "./pytest-parser.ts";
import { ruffParser } from "./ruff-parser.ts";
import { tapParser } from "./tap-parser.ts";
import { tscParser } from "./tsc-parser.ts";
import { tsdParser } from "./tsd-parser.ts";
import { uniqueFindings } from "./unique-findings.ts";
import { unittestParser } from "./unittest-parser.ts";
import { vitestParser } from "./vitest-parser.ts";

interface Signature {
  parser: OutputParser;
  /** Lines only this tool prints (multiline flag: `^` is a line start). */
  pattern: RegExp;
  /** Parsers that read the same output better: when one of them is recognised, this one is not used. */
  unless?: string[];
}

const cSource = String.raw`\S+\.(?:c|cc|cpp|cxx|c\+\+|h|hh|hpp|hxx|m|mm|cu|inl|ipp|tcc)`;

/**
 * Each parser's signature; the order only breaks ties between tools that print at the same place.
 * They run over the whole output with `m`: `[ \t]`, never `\s`, next to `^`, which could otherwise
 * run across blank lines and make a long run of them quadratic.
 */
const signatures: readonly Signature[] = [
  { parser: tscParser, pattern: /(?:^|\s)error TS\d+: /m },
  {
    parser: vitestParser,
    pattern: /^[ \t]*(?:RUN|DEV)[ \t]+v\d+\.\d+\.\d+ |^[ \t]*Test Files[ \t]+\d+ (?:failed|passed)/m,
  },
  { parser: jestParser, pattern: /^Test Suites: \d+ (?:failed|passed)/m },
  { parser: mochaParser, pattern: /^[ \t]+\d+ passing \(\d+m?s\)[ \t]*$/m },
  // AVA 6 marks a failure `✘ [fail]: title`; AVA 3 `✖ title`, known by its closing count.
  { parser: avaParser, pattern: /^[ \t]*✘ \[fail\]: |^[ \t]{2}\d+ (?:tests? failed|known failures?)$/m },
  // tsd's (and xo's) pretty formatter: `  ✖  2:13  message` under a `  file:line:col` header.
  { parser: tsdParser, pattern: /^[ \t]+[✖⚠][ \t]{2}\d+:\d+[ \t]{2}\S/m },
  {
    parser: nodeTapParser,
    pattern: /^[ \t]*(?:not )?ok \d+ - .* # time=[\d.]+m?s$|^# \{ total: \d+|^Asserts:[ \t]+\d+ pass/m,
  },
  {
    parser: nodeTestParser,
    pattern: /^[ \t]*duration_ms: [\d.]+$|^ℹ (?:tests|fail) \d+$/m,
    unless: ["node-tap"],
  },
  { parser: tapParser, pattern: /^TAP version \d+$/m, unless: ["node-tap", "node-test", "vitest", "mocha"] },
  { parser: eslintParser, pattern: /^✖ \d+ problems? \(\d+ errors?, \d+ warnings?\)$/m },
  {
    parser: biomeParser,
    // A located diagnostic (`x.ts:2:1 lint/style/useConst ━━━`) or a whole file's (`x.ts format ━━━`).
    pattern: /^\S+? (?:lint|format|assist|parse)[\w/.-]*(?:[ \t]+[A-Z]+)*[ \t]+━+$/m,
  },
  { parser: cmakeParser, pattern: /^CMake (?:Error|Warning|Deprecation)/m },
  {
    parser: gccParser,
    pattern: new RegExp(
      String.raw`^${cSource}:\d+:(?:\d+:)? (?:fatal error|error|warning): |undefined reference to \`|^\S*\bld(?:\.\w+)?: (?:cannot find|error: undefined symbol)`,
      "m",
    ),
    unless: ["cmake"],
  },
  { parser: ctestParser, pattern: /^Test project \/|^The following tests FAILED:$/m },
  {
    parser: pytestParser,
    pattern: /^=+ (?:test session starts|FAILURES|ERRORS|short test summary info) =+$/m,
  },
  // unittest's block header: `FAIL: test_add (tests.test_misc.TestMisc.test_add)`.
  { parser: unittestParser, pattern: /^(?:FAIL|ERROR): \S+ \([\w.]+\)/m },
  { parser: mypyParser, pattern: /^Found \d+ errors? in \d+ files? \(checked \d+ source files?\)$/m },
  // Not "Found N errors.", which Biome prints too: ruff's own lines, concise or full (` --> x.py:1:8`).
  { parser: ruffParser, pattern: /^\S+\.pyi?:\d+:\d+: [A-Z]+\d+ |^[ \t]*--> \S+\.pyi?:\d+:\d+$/m },
  { parser: cargoParser, pattern: /^error(?:\[E\d+\])?: .*\n[ \t]+--> |^test result: (?:ok|FAILED)\. /m },
  // go test's results, or the compiler's `./g.go:2:23: message` (go build, go vet).
  {
    parser: goParser,
    pattern: /^--- FAIL: |^FAIL[ \t]+\S+[ \t]+[\d.]+s$|^ok[ \t]+\S+[ \t]+[\d.]+s$|^\S+\.go:\d+:\d+: /m,
  },
  { parser: mavenParser, pattern: /^\[INFO\] BUILD (?:FAILURE|SUCCESS)$/m },
  { parser: gradleParser, pattern: /^BUILD FAILED in |^FAILURE: Build failed/m },
];

/** The parsers whose signature appears in one text, in the order their tools printed. */
function recogniseInText(output: string): string[] {
  const text = stripAnsi(output);
  const found = signatures
    .map((signature) => ({ signature, at: text.search(signature.pattern) }))
    .filter(({ at }) => at >= 0);
  const names = new Set(found.map(({ signature }) => signature.parser.name));
  return found
    .filter(({ signature }) => !(signature.unless ?? []).some((name) => names.has(name)))
    .sort((a, b) => a.at - b.at)
    .map(({ signature }) => signature.parser.name);
}

/** The output as one text, or split by the labels a task runner put before each line. */
function textsOf(output: string): OutputGroup[] {
  return splitLabelledOutput(output) ?? [{ label: "", text: output }];
}

/** The parsers whose signature appears in `output` (in any labelled script's part of it). */
export function recogniseParsers(output: string): string[] {
  return [...new Set(textsOf(output).flatMap((group) => recogniseInText(group.text)))];
}

function parseText(text: string, exitCode: number | null): Finding[] {
  const names = recogniseInText(text);
  const parsers = signatures
    .map((signature) => signature.parser)
    .filter((parser) => names.includes(parser.name));
  parsers.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
  return parsers.flatMap((parser) => parser.parse(text, exitCode));
}

/** Findings of every recognised tool, each problem once; [] when no tool is recognised. */
export function parseRecognisedOutput(output: string, exitCode: number | null): Finding[] {
  const findings = textsOf(output).flatMap((group) =>
    resolveGroupFiles(parseText(group.text, exitCode), group),
  );
  return uniqueFindings(findings);
}

export const autoParser: OutputParser = {
  name: "auto",
  parse: parseRecognisedOutput,
};
