// Reads a Go panic in test output: `panic: message [recovered]`, then goroutine traces of
// function lines, each followed by a tab-indented `/path/file.go:30 +0x2e`. The location kept is
// the test's own frame when there is one, else the first frame in a module (not the standard library).
export interface GoPanic {
  message: string;
  file?: string;
  line?: number;
  /** A few lines worth showing: a timeout's running tests, the panic's own frame. */
  context: string[];
  /** Index of the first line after the panic's trace. */
  end: number;
  /** The test the trace points at, for a panic that no `--- FAIL` header announced (a timeout). */
  testName?: string;
}

interface Frame {
  func: string;
  file: string;
  line: number;
}

const traceEnd = /^(FAIL|ok)\b|^exit status \d+$|^--- |^=== /;
const frameFile = /^\t(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/;
const runtimeFunction = /^(runtime|testing|panic|created by)\b/;

function readFrames(lines: string[]): Frame[] {
  const frames: Frame[] = [];
  for (let index = 1; index < lines.length; index++) {
    const location = frameFile.exec(lines[index]!);
    const func = lines[index - 1]!;
    if (!location || func.startsWith("\t")) continue;
    frames.push({ func: func.replace(/\(.*\)$/, ""), file: location[1]!, line: Number(location[2]) });
  }
  return frames;
}

/** Standard library packages have no dot in their first path element; modules almost always do. */
function inModule(frame: Frame): boolean {
  const firstElement = frame.func.split("/")[0]!;
  return firstElement.includes(".") && !runtimeFunction.test(frame.func);
}

function testFrame(frames: Frame[]): Frame | undefined {
  return (
    frames.find((frame) => /\.Test\w*$/.test(frame.func)) ??
    frames.find(inModule) ??
    frames.find((frame) => !runtimeFunction.test(frame.func))
  );
}

/** The panic that starts at `lines[start]` (a `panic: ` line). */
export function goPanic(lines: string[], start: number): GoPanic {
  let end = start + 1;
  while (end < lines.length && !traceEnd.test(lines[end]!)) end++;
  const trace = lines.slice(start, end);
  const message = lines[start]!.replace(/^panic: /, "").replace(/ \[recovered\]$/, "");
  const frames = readFrames(trace);
  const frame = testFrame(frames);
  const context: string[] = [];
  const runningIndex = trace.findIndex((line) => line.trim() === "running tests:");
  if (runningIndex >= 0) {
    context.push("running tests:");
    for (const line of trace.slice(runningIndex + 1)) {
      if (!line.startsWith("\t")) break;
      context.push(`  ${line.trim()}`);
    }
  }
  if (frame) context.push(`at ${frame.func}`);
  const panic: GoPanic = { message, context, end };
  const testName = frame ? /\.(Test\w*)$/.exec(frame.func)?.[1] : undefined;
  if (testName) panic.testName = testName;
  if (frame) {
    panic.file = frame.file;
    panic.line = frame.line;
  }
  return panic;
}
