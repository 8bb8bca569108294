// The parser for Python's unittest runner (`python -m unittest`, `coverage run -m unittest`): one
// finding per `FAIL:`/`ERROR:` block, named by the test's dotted id, at the traceback's line in
// the test's own file (a module that failed to import: where it is broken), with the exception.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, outputLines, trimBlankLines } from "./output-text.ts";

const blockRule = /^={50,}$/;
const bodyRule = /^-{50,}$/;
/** `FAIL: test_add (tests.test_misc.TestMisc.test_add)` and a subtest's ` (n=2)` after it. */
const blockHeader = /^(FAIL|ERROR|UNEXPECTED SUCCESS): (\S+) \(([\w.]+)\)(.*)$/;
const frameLine = /^\s*File "(.+)", line (\d+)/;
/** Frames of Python itself or installed packages: never where the project's problem is. */
const libraryFrame = /\/lib\/python[\d.]*\/|[/\\](?:site|dist)-packages[/\\]|^<frozen /;
const failedImport = "unittest.loader._FailedTest";
const maxContextLines = 8;

interface Frame {
  file: string;
  line: number;
}

/** The test's dotted id: Python 3.11+ prints it whole; older ones print the class, then the name. */
function testId(name: string, qualified: string): string {
  if (qualified.startsWith(`${failedImport}.`)) return name;
  return qualified === name || qualified.endsWith(`.${name}`) ? qualified : `${qualified}.${name}`;
}

/** `tests.test_misc.TestMisc.test_add` → `tests/test_misc.py` as a path suffix to look for. */
function moduleFileSuffix(id: string, isImport: boolean): string {
  const parts = id.split(".");
  const moduleParts = isImport ? parts : parts.slice(0, -2);
  return `/${moduleParts.join("/")}.py`;
}

/** Where the block's problem is: the test's own frame, else the innermost project frame. */
function pickFrame(frames: Frame[], ownSuffix: string, isImport: boolean): Frame | undefined {
  const project = frames.filter((frame) => !libraryFrame.test(frame.file));
  const own = project.filter((frame) => `/${frame.file}`.endsWith(ownSuffix));
  if (isImport) return project.at(-1) ?? frames.at(-1);
  return own.at(-1) ?? project.at(-1) ?? frames.at(-1);
}

function blockFinding(header: RegExpExecArray, body: string[]): Finding {
  const isImport = header[3]!.startsWith(failedImport);
  const id = testId(header[2]!, header[3]!);
  const frames: Frame[] = [];
  let lastFrame = -1;
  body.forEach((line, index) => {
    const frame = frameLine.exec(line);
    if (frame) {
      frames.push({ file: frame[1]!, line: Number(frame[2]) });
      lastFrame = index;
    }
  });
  // The exception is the first line flush left after the last frame (its code lines are indented).
  const after = body.slice(lastFrame + 1);
  const start = after.findIndex((line) => /^\S/.test(line));
  const exception = start >= 0 ? after[start]! : (body.find((line) => /^\S/.test(line)) ?? "failed");
  const subtest = header[4]!.trim();
  const finding: Finding = {
    kind: "test",
    test: subtest ? `${id} ${subtest}` : id,
    message: clip(header[1] === "UNEXPECTED SUCCESS" ? "unexpected success" : exception, 400),
  };
  const frame = pickFrame(frames, moduleFileSuffix(id, isImport), isImport);
  if (frame) {
    finding.file = frame.file;
    finding.line = frame.line;
  }
  const context = start >= 0 ? trimBlankLines(after.slice(start + 1)).slice(0, maxContextLines) : [];
  const deepest = frames.filter((candidate) => !libraryFrame.test(candidate.file)).at(-1);
  if (deepest && frame && deepest !== frame) context.unshift(`raised at ${deepest.file}:${deepest.line}`);
  if (context.length > 0) finding.context = context.map((line) => clip(line, 300)).join("\n");
  return finding;
}

/** One finding per failed, erroring or unexpectedly passing test in unittest's report. */
export function parseUnittestOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const findings: Finding[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!blockRule.test(lines[index]!)) continue;
    const header = blockHeader.exec(lines[index + 1] ?? "");
    if (!header || !bodyRule.test(lines[index + 2] ?? "")) continue;
    let end = index + 3;
    while (end < lines.length && !blockRule.test(lines[end]!) && !bodyRule.test(lines[end]!)) end++;
    findings.push(blockFinding(header, lines.slice(index + 3, end)));
    index = end - 1;
  }
  return findings;
}

export const unittestParser: OutputParser = {
  name: "unittest",
  parse: (output) => parseUnittestOutput(output),
};
