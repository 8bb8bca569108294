// The cargo parser on output other toolchains print: Debian's rustc 1.63 (the panic format before
// Rust 1.73, captured from a real run), and shapes the fixtures do not produce (crashes, tests
// returning Err, should_panic, cargo's own errors). Current rustc output is covered by
// src/verify/rust/rust-verify.test.ts, which runs the real cargo.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCargoOutput } from "./cargo-parser.ts";

/** `cargo test --no-fail-fast` with cargo 1.65 / rustc 1.63 (Debian bookworm). */
const rust163TestOutput = `   Compiling rt v0.1.0 (/tmp/rt)
    Finished test [unoptimized + debuginfo] target(s) in 15.53s
     Running unittests src/lib.rs (target/debug/deps/rt-558b02e0b8ad004f)

running 4 tests
test tests::adds ... ok
test tests::nested::custom ... FAILED
test tests::subtracts ... FAILED
test tests::panics_with_message ... FAILED

failures:

---- tests::nested::custom stdout ----
thread 'tests::nested::custom' panicked at 'one is not greater than 2', src/lib.rs:36:13
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace

---- tests::subtracts stdout ----
thread 'tests::subtracts' panicked at 'assertion failed: \`(left == right)\`
  left: \`5\`,
 right: \`1\`', src/lib.rs:24:9

---- tests::panics_with_message stdout ----
thread 'tests::panics_with_message' panicked at 'index out of bounds: the len is 0 but the index is 3', src/lib.rs:30:17


failures:
    tests::nested::custom
    tests::panics_with_message
    tests::subtracts

test result: FAILED. 1 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

error: test failed, to rerun pass \`--lib\`
`;

/** `cargo clippy --all-targets` with Debian's clippy 1.63: a deny lint, then a warning. */
const clippy163Output = `    Checking rt v0.1.0 (/tmp/rt)
error: approximate value of \`f{32, 64}::consts::PI\` found
  --> src/lib.rs:10:5
   |
10 |     3.14 * r * r
   |     ^^^^
   |
   = note: \`#[deny(clippy::approx_constant)]\` on by default
   = help: consider using the constant directly
   = help: for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#approx_constant

error: could not compile \`rt\` due to previous error
warning: build failed, waiting for other jobs to finish...
warning: \`assert!(false, ..)\` should probably be replaced
  --> src/lib.rs:36:13
   |
36 |             assert!(1 > 2, "one is not greater than {}", 2);
   |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
   |
   = note: \`#[warn(clippy::assertions_on_constants)]\` on by default

warning: \`rt\` (lib test) generated 1 warning
error: could not compile \`rt\` due to previous error; 1 warning emitted
`;

test("reads rustc 1.63's quoted panics: message, left/right folded in, file:line:col", () => {
  const findings = parseCargoOutput(rust163TestOutput);
  assert.deepEqual(
    findings.map(({ test, file, line, column, message }) => ({ test, file, line, column, message })),
    [
      {
        test: "tests::nested::custom",
        file: "src/lib.rs",
        line: 36,
        column: 13,
        message: "one is not greater than 2",
      },
      {
        test: "tests::subtracts",
        file: "src/lib.rs",
        line: 24,
        column: 9,
        message: "assertion failed: `(left == right)` (left: `5`, right: `1`)",
      },
      {
        test: "tests::panics_with_message",
        file: "src/lib.rs",
        line: 30,
        column: 17,
        message: "index out of bounds: the len is 0 but the index is 3",
      },
    ],
  );
});

test("a denied clippy lint is an error with its lint name; the warning beside it is left out", () => {
  const findings = parseCargoOutput(clippy163Output);
  assert.deepEqual(findings, [
    {
      kind: "lint",
      file: "src/lib.rs",
      line: 10,
      column: 5,
      rule: "clippy::approx_constant",
      message: "approximate value of `f{32, 64}::consts::PI` found",
      context: "10 |     3.14 * r * r\n   |     ^^^^\n   = help: consider using the constant directly",
    },
  ]);
});

test("with no error, warnings are the findings (a passing check's lints)", () => {
  const output = clippy163Output
    .replace(/^error: could not compile.*$/gm, "")
    .replace(/^error: /m, "warning: ");
  const findings = parseCargoOutput(output);
  assert.deepEqual(
    findings.map(({ kind, rule, line }) => ({ kind, rule, line })),
    [
      { kind: "lint", rule: "clippy::approx_constant", line: 10 },
      { kind: "lint", rule: "clippy::assertions_on_constants", line: 36 },
    ],
  );
});

test("cargo's own error with its cause is a build finding; its closing lines are not", () => {
  const output = [
    "error: failed to parse lock file at: /tmp/rt/Cargo.lock",
    "",
    "Caused by:",
    "  lock file version `4` was found, but this version of Cargo does not understand this lock file",
    "",
  ].join("\n");
  assert.deepEqual(parseCargoOutput(output), [
    {
      kind: "build",
      message: "failed to parse lock file at: /tmp/rt/Cargo.lock",
      context:
        "lock file version `4` was found, but this version of Cargo does not understand this lock file",
    },
  ]);
});

test("a test returning Err, a should_panic test that did not panic, and a crashed test binary", () => {
  const output = [
    "running 3 tests",
    "test parses ... FAILED",
    "test rejects ... FAILED",
    "",
    "failures:",
    "",
    "---- parses stdout ----",
    "Error: ParseIntError { kind: InvalidDigit }",
    "thread 'parses' (77) panicked at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/test/src/lib.rs:194:5:",
    "the test returned a termination value with a non-zero status code (1) which indicates a failure",
    "",
    "---- rejects stdout ----",
    "note: test did not panic as expected at src/lib.rs:40:8",
    "",
    "failures:",
    "    parses",
    "    rejects",
    "",
    "test result: FAILED. 1 passed; 2 failed; 0 ignored",
    "",
    "error: test failed, to rerun pass `--test crashy`",
    "",
    "Caused by:",
    "  process didn't exit successfully: `/tmp/rt/target/debug/deps/crashy-1a2b` (signal: 11, SIGSEGV: invalid memory reference)",
  ].join("\n");
  assert.deepEqual(
    parseCargoOutput(output).map(({ test, file, line, message }) => ({ test, file, line, message })),
    [
      {
        test: "parses",
        file: undefined,
        line: undefined,
        message: "Error: ParseIntError { kind: InvalidDigit }",
      },
      { test: "rejects", file: "src/lib.rs", line: 40, message: "test did not panic as expected" },
      {
        test: undefined,
        file: undefined,
        line: undefined,
        message:
          "the test binary for --test crashy crashed: process didn't exit successfully: `/tmp/rt/target/debug/deps/crashy-1a2b` (signal: 11, SIGSEGV: invalid memory reference)",
      },
    ],
  );
});

test("an `error:` line a test printed is its output, not a compile error; a FAILED test without a block is still named", () => {
  const output = [
    "running 2 tests",
    "test loads_config ... FAILED",
    "test times_out ... FAILED",
    "",
    "failures:",
    "",
    "---- loads_config stdout ----",
    "error: config.toml not found",
    "thread 'loads_config' panicked at src/config.rs:12:5:",
    "called `Result::unwrap()` on an `Err` value: NotFound",
    "",
    "failures:",
    "    loads_config",
    "    times_out",
  ].join("\n");
  assert.deepEqual(
    parseCargoOutput(output).map(({ kind, test, message }) => ({ kind, test, message })),
    [
      {
        kind: "test",
        test: "loads_config",
        message: "called `Result::unwrap()` on an `Err` value: NotFound",
      },
      { kind: "test", test: "times_out", message: "failed; libtest printed no output for it" },
    ],
  );
});

test("the same error printed for the lib and the lib test build is reported once", () => {
  const error = [
    "error[E0425]: cannot find value `totl` in this scope",
    " --> src/lib.rs:3:5",
    "  |",
    "3 |     totl",
    "  |     ^^^^ help: a local variable with a similar name exists: `total`",
    "",
  ].join("\n");
  const findings = parseCargoOutput(
    `${error}${error}error: could not compile \`rt\` (lib test) due to 1 previous error\n`,
  );
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.rule, "E0425");
  assert.equal(findings[0]?.kind, "compile");
});
