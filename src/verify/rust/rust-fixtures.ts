// Rust projects with a planted problem, for tests and benchmarks: no dependencies, so cargo
// builds them offline. Line numbers in `planted` are those of the files below.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import type { PlantedFixture } from "../planted-fixtures.ts";
import { findCargoTools } from "./cargo-tools.ts";

const cargoToml = ["[package]", 'name = "fixture"', 'version = "0.1.0"', 'edition = "2021"', ""].join("\n");

const rustupHome = (): string => process.env.RUSTUP_HOME ?? path.join(homedir(), ".rustup");

/**
 * rustup's proxies find their toolchains through $HOME/.rustup, and a sandbox has its own empty
 * HOME, so the fixtures pass RUSTUP_HOME in (a Debian cargo needs nothing).
 */
export function rustupEnvironment(): Record<string, string> {
  const home = rustupHome();
  return existsSync(home) ? { RUSTUP_HOME: home } : {};
}

function cargoMissing(): string | undefined {
  return findOnPath("cargo", process.env.PATH ?? "")
    ? undefined
    : "cargo is not installed (apt-get install cargo)";
}

function clippyMissing(): string | undefined {
  const tools = findCargoTools(process.env.PATH ?? "", rustupHome());
  if (!tools.cargo) return "cargo is not installed (apt-get install cargo rust-clippy)";
  return tools.clippy ? undefined : `clippy is not installed: ${tools.reason}`;
}

const libraryHead = [
  "pub fn add(a: i32, b: i32) -> i32 {",
  "    a + b",
  "}",
  "",
  "pub fn subtract(a: i32, b: i32) -> i32 {",
  "    a + b",
  "}",
  "",
];

const common = { environment: rustupEnvironment, unavailable: cargoMissing };

/** A type error on src/lib.rs:10 (a &str returned as u32). */
export const rustCompileError: PlantedFixture = {
  ...common,
  name: "rust-compile-error",
  description: "a mismatched type in a library function",
  files: {
    "Cargo.toml": cargoToml,
    "src/lib.rs": [...libraryHead, "pub fn total() -> u32 {", '    "12"', "}", ""].join("\n"),
  },
  speed: "fast",
  planted: [{ kind: "compile", file: "src/lib.rs", line: 10, rule: "E0308" }],
};

/** Three failing tests: an assert_eq in a unit test, a panic two modules deep, an integration test. */
export const rustFailingTests: PlantedFixture = {
  ...common,
  name: "rust-failing-test",
  description: "a wrong subtraction caught by unit and integration tests, and an index panic",
  files: {
    "Cargo.toml": cargoToml,
    "src/lib.rs": [
      ...libraryHead,
      "#[cfg(test)]",
      "mod tests {",
      "    use super::*;",
      "",
      "    #[test]",
      "    fn adds() {",
      "        assert_eq!(add(1, 2), 3);",
      "    }",
      "",
      "    #[test]",
      "    fn subtracts() {",
      "        assert_eq!(subtract(3, 2), 1);",
      "    }",
      "",
      "    mod parsing {",
      "        #[test]",
      "        fn reads_first_item() {",
      "            let items: Vec<i32> = Vec::new();",
      "            assert_eq!(items[0], 1);",
      "        }",
      "    }",
      "}",
      "",
    ].join("\n"),
    "tests/integration.rs": [
      "#[test]",
      "fn subtracts_large_numbers() {",
      "    assert_eq!(fixture::subtract(1000, 1), 999);",
      "}",
      "",
    ].join("\n"),
  },
  speed: "full",
  planted: [
    { kind: "test", test: "tests::subtracts", file: "src/lib.rs", line: 20 },
    { kind: "test", test: "tests::parsing::reads_first_item", file: "src/lib.rs", line: 27 },
    { kind: "test", test: "subtracts_large_numbers", file: "tests/integration.rs", line: 3 },
  ],
};

/** clippy::approx_constant, a lint clippy denies by default, on src/lib.rs:10. */
export const rustClippyLint: PlantedFixture = {
  environment: rustupEnvironment,
  unavailable: clippyMissing,
  name: "rust-clippy-lint",
  description: "3.14 written instead of std::f64::consts::PI",
  files: {
    "Cargo.toml": cargoToml,
    "src/lib.rs": [
      ...libraryHead,
      "pub fn area(radius: f64) -> f64 {",
      "    3.14 * radius * radius",
      "}",
      "",
    ].join("\n"),
  },
  speed: "fast",
  planted: [{ kind: "lint", file: "src/lib.rs", line: 10, rule: "clippy::approx_constant" }],
};

export const rustFixtures: readonly PlantedFixture[] = [rustCompileError, rustFailingTests, rustClippyLint];
