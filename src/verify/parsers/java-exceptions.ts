// What Maven Surefire and Gradle print about a failed JVM test: the exception line and its
// `at pkg.Class.method(File.java:12)` frames. Shared by the Maven and Gradle parsers.

export interface JavaFrame {
  /** Fully qualified class, nested classes after `$`. */
  className: string;
  method: string;
  file: string;
  line: number;
}

const framePattern =
  /^\s*at (?:[\w.-]+\/\/)?([\w.$]+)\.([\w$<>]+)\((\w[\w$-]*\.(?:java|kt|groovy|scala)):(\d+)\)/;
/** Assertion classes whose name adds nothing to "expected: <1> but was: <5>". */
const assertionClasses =
  /^(java\.lang\.AssertionError|org\.opentest4j\.AssertionFailedError|junit\.framework\.AssertionFailedError|org\.junit\.ComparisonFailure|junit\.framework\.ComparisonFailure|org\.opentest4j\.MultipleFailuresError):\s*/;

/** The frame on `line`, or undefined when it is not an `at …(File.java:N)` frame. */
export function readJavaFrame(line: string): JavaFrame | undefined {
  const match = framePattern.exec(line);
  if (!match) return undefined;
  return { className: match[1]!, method: match[2]!, file: match[3]!, line: Number(match[4]) };
}

/** True for an `at …` stack frame line, with or without a file. */
export function isFrameLine(line: string): boolean {
  return /^\s*at \S/.test(line) || /^\s*\.\.\. \d+ more$/.test(line);
}

/** An exception line without the class name of a plain assertion failure. */
export function exceptionMessage(line: string): string {
  const trimmed = line.trim();
  const stripped = trimmed.replace(assertionClasses, "");
  return stripped === "" ? trimmed : stripped;
}

/** The simple name of a class: `com.example.CalculatorTest$Nested` → `CalculatorTest$Nested`. */
export function simpleClassName(className: string): string {
  return className.slice(className.lastIndexOf(".") + 1);
}
