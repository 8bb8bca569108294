// Reads failing tests from Maven Surefire's console output: one block per failed test
// (`[ERROR] subtracts(com.example.CalculatorTest)  Time elapsed: 0.01 s  <<< FAILURE!`, the
// exception, its frames), in the 2.x and 3.x spellings, then the `Failures:` / `Errors:` list of
// the results, so a test is named even when its block is missing.
import type { Finding } from "../../core/finding.ts";
import {
  exceptionMessage,
  isFrameLine,
  type JavaFrame,
  readJavaFrame,
  simpleClassName,
} from "./java-exceptions.ts";
import { clip } from "./output-text.ts";

const classHeader = /Tests run: .*<<< (?:FAILURE|ERROR)! -{1,2} in (\S+)$/;
const testHeader = /^\[ERROR\] (.+?)\s+(?:-- )?Time elapsed: [\d.,]+ s(?:ec)?\s+<<< (FAILURE|ERROR)!$/;
/** JUnit 4 under Surefire 2.x names a test `method(pkg.Class)`. */
const junit4Name = /^(.+)\(([\w.$]+)\)$/;
const resultsHeading = /^\[ERROR\] (Failures|Errors): ?$/;
const resultsEntry = /^\[ERROR\] {3}(\S.*)$/;
const maxContextLines = 8;
const maxMessageChars = 400;

interface TestBlock {
  id: string;
  currentClass: string | undefined;
  body: string[];
}

/** The test's full name: class (from the name, its own frame, or the class header) and method. */
function fullName(block: TestBlock, method: string, testFrame: JavaFrame | undefined): string {
  const junit4 = junit4Name.exec(block.id);
  if (junit4) return `${junit4[2]}.${junit4[1]}`;
  // The frame knows nested classes (`Outer$Inner`), which the names Surefire prints leave out.
  if (testFrame) return `${testFrame.className}.${method}`;
  const { currentClass } = block;
  if (!currentClass || block.id === currentClass || block.id.startsWith(`${currentClass}.`)) return block.id;
  return `${currentClass}.${block.id}`;
}

function blockFinding(block: TestBlock): Finding {
  const method = junit4Name.exec(block.id)?.[1] ?? block.id.slice(block.id.lastIndexOf(".") + 1);
  const frames = block.body.map(readJavaFrame).filter((frame) => frame !== undefined);
  const testFrame = frames.find((frame) => frame.method === method);
  const messageLines = block.body.filter((line) => !isFrameLine(line) && line.trim() !== "");
  const message = messageLines.length > 0 ? exceptionMessage(messageLines[0]!) : "failed";
  const context = messageLines.slice(1).map((line) => line.trim());
  const located = testFrame ?? frames[0];
  if (located)
    context.push(
      `at ${simpleClassName(located.className)}.${located.method}(${located.file}:${located.line})`,
    );
  const finding: Finding = {
    kind: "test",
    test: fullName(block, method, testFrame),
    message: clip(message, maxMessageChars),
  };
  if (context.length > 0) finding.context = context.slice(0, maxContextLines).join("\n");
  return finding;
}

function readBlocks(lines: string[]): TestBlock[] {
  const blocks: TestBlock[] = [];
  let currentClass: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const classMatch = classHeader.exec(line);
    if (classMatch) currentClass = classMatch[1];
    const header = testHeader.exec(line);
    if (!header || classMatch) continue;
    const body: string[] = [];
    for (let next = index + 1; next < lines.length; next++) {
      const text = lines[next]!;
      if (text.trim() === "" || /^\[(ERROR|INFO|WARNING)\]/.test(text)) break;
      body.push(text);
    }
    blocks.push({ id: header[1]!, currentClass, body });
    index += body.length;
  }
  return blocks;
}

/** `CalculatorTest.subtracts:14 expected:<1> but was:<5>` (or `pkg.Class#method …`) entries of the results' lists. */
function readResultEntries(lines: string[]): { name: string; message: string }[] {
  const entries: { name: string; message: string }[] = [];
  let inList = false;
  for (const line of lines) {
    if (resultsHeading.test(line)) {
      inList = true;
      continue;
    }
    const entry = inList ? resultsEntry.exec(line) : null;
    if (!entry) {
      inList = false;
      continue;
    }
    const text = entry[1]!;
    if (/^\s*Run \d+:/.test(text)) continue;
    const [token = "", ...rest] = text.split(" ");
    // Without a line, Surefire 2.x writes `pkg.Class#method`: the same test as a block's `pkg.Class.method`.
    const name = token
      .replace(/:\d+.*$/, "")
      .replace(/->.*$/, "")
      .replace("#", ".");
    entries.push({ name, message: rest.join(" ") });
  }
  return entries;
}

/** Failing tests in Surefire output, each once. */
export function readSurefireFailures(lines: string[]): Finding[] {
  const findings = readBlocks(lines).map(blockFinding);
  for (const entry of readResultEntries(lines)) {
    const known = findings.some(
      (finding) => finding.test === entry.name || finding.test?.endsWith(`.${entry.name}`),
    );
    if (known) continue;
    findings.push({
      kind: "test",
      test: entry.name,
      message: clip(entry.message || "failed", maxMessageChars),
    });
  }
  return findings;
}
