// Lines that C and C++ builds print around the compiler: the linker's errors (GNU ld, lld), the
// compiler driver's own errors, and make's or ninja's "this target failed", which names no cause.
import type { Finding } from "../../core/finding.ts";

/** GNU ld's `ld: main.o: in function `main':` — the object and function of the errors below it. */
const linkerScope = /^\S*\bld(?:\.\w+)?: (\S+?): in function [`'‘](.+?)['’]:$/;
/** GNU ld: `main.c:7: undefined reference to `add'` or `link.c:(.text+0xf): undefined reference …`. */
const linkerReference =
  /^(?:\S*\bld(?:\.\w+)?: )?(\S+?):(?:(\d+)|\([^)\s]{0,200}\)): ((?:undefined reference to|multiple definition of) .*)$/;
/** `ld: cannot find -lfoo: No such file or directory`, `ld.lld: error: undefined symbol: add`. */
const linkerError =
  /^\S*\bld(?:\.\w+)?: (?:error: )?(cannot find .*|undefined symbol: .*|duplicate symbol: .*)$/;
/** lld's `>>> referenced by main.c:3` under its error. */
const lldReference = /^>>> referenced by (\S+?):(\d+)/;
/** The driver repeating that something failed: says nothing the lines above it did not. */
const driverEcho =
  /^(?:\S*\b(?:collect2|clang(?:\+\+)?|cc1(?:plus)?)(?:-\d+)?: (?:error: (?:ld returned|linker command failed)|all warnings being treated as errors)|compilation terminated\.$|\d+ (?:warnings?|errors?)( and \d+ errors?)? generated\.$)/;
/** `gcc: error: nope.c: No such file or directory`, `cc1: error: unrecognized command-line option`. */
const driverError =
  /^(?:\S*\/)?(?:gcc|g\+\+|cc|c\+\+|clang(?:\+\+)?|cc1(?:plus)?)(?:-\d+)?: (fatal error|error|warning): (.*)$/;
/** `Makefile:3: *** missing separator.  Stop.` — make's own error with its file and line. */
const makefileError = /^(\S+?):(\d+): \*\*\* (.*)$/;
/** `make: *** No rule to make target 'x'.  Stop.` — make's own error. */
const makeError = /^g?make(?:\[\d+\])?: \*\*\* ((?!\[).*)$/;
const stopSuffix = "Stop.";

/** make's message without its `.  Stop.` end (cut by position: a regex would be quadratic on spaces). */
function withoutStop(text: string): string {
  return text.slice(0, -stopSuffix.length).trimEnd().replace(/\.$/, "");
}
/** `make[2]: *** [build.make:76: main.o] Error 1` and ninja's `FAILED: main.o`: which target failed. */
const makeTargetFailed =
  /^(?:g?make(?:\[\d+\])?: \*\*\* \[.*\] (?:Error \d+|Segmentation fault.*)|FAILED: .+)$/;

/** What one line of a build is, when it is not a compiler diagnostic. */
export type BuildLine =
  | { kind: "linker-scope"; object: string; symbol: string }
  | { kind: "finding"; finding: Finding }
  | { kind: "lld-reference"; file: string; line: number }
  | { kind: "echo" }
  | { kind: "target-failed"; text: string };

function linkerFinding(match: RegExpExecArray): Finding {
  const [, location, line, message] = match;
  const finding: Finding = { kind: "build", message: message! };
  // An object file or archive names no source line; a source file (built with -g) does.
  if (!/\.(o|obj|a|so)$/.test(location!) && !location!.includes("(")) finding.file = location!;
  if (line !== undefined) finding.line = Number(line);
  return finding;
}

/** Classify `line` as one of the build lines above, or undefined when it is none of them. */
export function readBuildLine(line: string): BuildLine | undefined {
  const scope = linkerScope.exec(line);
  if (scope) return { kind: "linker-scope", object: scope[1]!, symbol: scope[2]! };
  const reference = linkerReference.exec(line);
  if (reference) return { kind: "finding", finding: linkerFinding(reference) };
  const linker = linkerError.exec(line);
  if (linker) return { kind: "finding", finding: { kind: "build", message: linker[1]! } };
  const lld = lldReference.exec(line);
  if (lld) return { kind: "lld-reference", file: lld[1]!, line: Number(lld[2]) };
  if (driverEcho.test(line)) return { kind: "echo" };
  const driver = driverError.exec(line);
  if (driver) {
    const finding: Finding = { kind: "build", message: driver[2]! };
    if (driver[1] === "warning") finding.severity = "warning";
    return { kind: "finding", finding };
  }
  const stops = line.endsWith(stopSuffix);
  const makefile = stops ? makefileError.exec(line) : null;
  if (makefile) {
    const finding: Finding = {
      kind: "build",
      file: makefile[1]!,
      line: Number(makefile[2]),
      message: withoutStop(makefile[3]!),
    };
    return { kind: "finding", finding };
  }
  const make = stops ? makeError.exec(line) : null;
  if (make) return { kind: "finding", finding: { kind: "build", message: `make: ${withoutStop(make[1]!)}` } };
  if (makeTargetFailed.test(line)) return { kind: "target-failed", text: line.trim() };
  return undefined;
}
