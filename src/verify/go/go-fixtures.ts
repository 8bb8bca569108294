// Go modules with a planted problem, for tests and benchmarks: standard library only, so the go
// command builds them offline. Line numbers in `planted` are those of the files below.
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import type { PlantedFixture } from "../planted-fixtures.ts";

export const goModulePath = "example.com/fixture";

const goMod = `module ${goModulePath}\n\ngo 1.19\n`;

const calcHead = [
  "package calc",
  "",
  "func Add(a, b int) int { return a + b }",
  "",
  "func Subtract(a, b int) int { return a + b }",
  "",
];

function goMissing(): string | undefined {
  return findOnPath("go", process.env.PATH ?? "")
    ? undefined
    : "go is not installed (apt-get install golang-go)";
}

/**
 * The go command caches builds under $HOME/.cache and modules under $HOME/go; the sandbox's HOME
 * is private and empty, which is all these fixtures need. GOTOOLCHAIN=local keeps Go 1.21+ from
 * trying to download another toolchain.
 */
const environment = (): Record<string, string> => ({ GOTOOLCHAIN: "local" });

const common = { environment, unavailable: goMissing };

/** A string assigned to an int on calc/calc.go:8. */
export const goCompileError: PlantedFixture = {
  ...common,
  name: "go-compile-error",
  description: "a string constant assigned to an int",
  files: {
    "go.mod": goMod,
    "calc/calc.go": [
      ...calcHead,
      "func Total() int {",
      '\tvar total int = "12"',
      "\treturn total",
      "}",
      "",
    ].join("\n"),
  },
  speed: "fast",
  planted: [{ kind: "compile", file: "calc/calc.go", line: 8 }],
};

/** A Printf-style call with a missing argument on calc/format.go:6, which builds but fails vet. */
export const goVetError: PlantedFixture = {
  ...common,
  name: "go-vet-error",
  description: "fmt.Sprintf with a verb and no argument for it",
  files: {
    "go.mod": goMod,
    "calc/calc.go": calcHead.join("\n"),
    "calc/format.go": [
      "package calc",
      "",
      'import "fmt"',
      "",
      "func Describe(n int) string {",
      '\treturn fmt.Sprintf("%d is %s", n)',
      "}",
      "",
    ].join("\n"),
  },
  speed: "fast",
  planted: [{ kind: "lint", file: "calc/format.go", line: 6 }],
};

/** A failing test, two failing table subtests and a panicking test; TestAdd passes. */
export const goFailingTests: PlantedFixture = {
  ...common,
  name: "go-failing-test",
  description: "a wrong subtraction caught by a test and a table test, and a nil-map panic",
  files: {
    "go.mod": goMod,
    "calc/calc.go": calcHead.join("\n"),
    "calc/calc_test.go": [
      "package calc",
      "",
      'import "testing"',
      "",
      "func TestAdd(t *testing.T) {",
      "\tif Add(1, 2) != 3 {",
      '\t\tt.Fatal("1 + 2 != 3")',
      "\t}",
      "}",
      "",
      "func TestSubtract(t *testing.T) {",
      "\tif got := Subtract(3, 2); got != 1 {",
      '\t\tt.Errorf("Subtract(3, 2) = %d, want 1", got)',
      "\t}",
      "}",
      "",
      "func TestSubtractTable(t *testing.T) {",
      "\tcases := []struct {",
      "\t\tname       string",
      "\t\ta, b, want int",
      "\t}{",
      '\t\t{"small", 1, 1, 0},',
      '\t\t{"large", 10, 1, 9},',
      "\t}",
      "\tfor _, c := range cases {",
      "\t\tt.Run(c.name, func(t *testing.T) {",
      "\t\t\tif got := Subtract(c.a, c.b); got != c.want {",
      '\t\t\t\tt.Errorf("got %d\\nwant %d", got, c.want)',
      "\t\t\t}",
      "\t\t})",
      "\t}",
      "}",
      "",
      "func TestCounts(t *testing.T) {",
      "\tvar counts map[string]int",
      '\tcounts["x"]++',
      "}",
      "",
    ].join("\n"),
  },
  speed: "full",
  planted: [
    { kind: "test", test: `${goModulePath}/calc.TestSubtract` },
    { kind: "test", test: `${goModulePath}/calc.TestSubtractTable/small` },
    { kind: "test", test: `${goModulePath}/calc.TestSubtractTable/large` },
    { kind: "test", test: `${goModulePath}/calc.TestCounts`, file: "calc/calc_test.go", line: 36 },
  ],
};

export const goFixtures: readonly PlantedFixture[] = [goCompileError, goVetError, goFailingTests];
