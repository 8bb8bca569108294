// The kinds of check a command covers (test, lint, type, format, build), read from a script, task
// or target name (`check:type`, `test-types`, `format-check`), and the kinds of a detected check.
import type { VerifierCommand } from "../verifier.ts";

const checkKinds = ["test", "lint", "type", "format", "build"] as const;
export type CheckKind = (typeof checkKinds)[number];

/** Names of aggregate scripts that run the project's whole check suite. */
const aggregateNames = /^(check|checks|ci|verify|validate|precommit|pre-commit|all-checks|check-all)$/;

/**
 * The kinds a script, task or make target name stands for; empty when it is not a check (`dev`,
 * `release`, `docs`, and a plain `format`/`fmt`, which rewrites files rather than checking them).
 */
export function kindsOfTaskName(name: string): CheckKind[] {
  const base = name.toLowerCase().split(/[#/]/).pop() ?? "";
  if (aggregateNames.test(base)) return ["test", "lint", "type", "format"];
  if (/(^|[^a-z])(watch|dev|serve|start|fix|write|release|publish|deploy|docs?)([^a-z]|$)/.test(base))
    return [];
  if (/type|tsc/.test(base)) return ["type"];
  if (/format|fmt|prettier|style/.test(base)) return /check|lint|verify|ci/.test(base) ? ["format"] : [];
  if (/lint|clippy|vet/.test(base)) return ["lint"];
  if (/test|spec|e2e|cover/.test(base)) return ["test"];
  if (/check/.test(base)) return ["lint"];
  if (/^(build|compile|all)([^a-z]|$)/.test(base)) return ["build"];
  return [];
}

/**
 * Script, task and target names of checks that reach beyond the checkout — a registry, browsers,
 * databases, other services — which the offline sandbox does not have.
 */
export function needsServices(name: string): boolean {
  return /system-?test|e2e|integration|smoke|browser|playwright|cypress|license|audit|outdated|bench|deps\b|dependenc/i.test(
    name,
  );
}

/** True when a check tool's arguments point at tests that need services or measure time. */
export function commandNeedsServices(argv: string[]): boolean {
  return argv
    .slice(1)
    .some((word) => /e2e|integration|system-?test|smoke|playwright|cypress|bench|codspeed/i.test(word));
}

/** Check names (after a workspace prefix) the ecosystem detectors give, by kind. */
const detectedKinds: Record<string, CheckKind> = {
  typecheck: "type",
  mypy: "type",
  lint: "lint",
  eslint: "lint",
  biome: "lint",
  ruff: "lint",
  clippy: "lint",
  "go-vet": "lint",
  test: "test",
  pytest: "test",
  "cargo-test": "test",
  "go-test": "test",
  "mvn-test": "test",
  "gradle-test": "test",
  check: "test",
  build: "build",
  "cargo-check": "build",
  "go-build": "build",
  "mvn-compile": "build",
  "gradle-compile": "build",
  "cmake-configure": "build",
  "cmake-build": "build",
  ctest: "test",
};

/**
 * Detected checks that are Slipway's guess at a tool, not a command the project wrote down: when
 * the project's CI is known and never runs them, they are the checks "the project never runs".
 */
const toolGuesses = new Set(["eslint", "biome", "clippy", "ruff", "mypy", "go-vet"]);

/** The kind of a detected check, or undefined for one that is none (a package.json sanity check). */
export function detectedCheckKind(command: VerifierCommand): CheckKind | undefined {
  return detectedKinds[command.name.split(":").pop() ?? ""];
}

/** True for a detected check that guesses at a tool (raw eslint, tsc --noEmit, clippy …). */
export function isToolGuess(command: VerifierCommand): boolean {
  const base = command.name.split(":").pop() ?? "";
  // The node detector's own `tsc --noEmit` (not a typecheck script) is a guess too.
  const rawTsc = base === "typecheck" && /(^|\/)tsc$/.test(command.command);
  return toolGuesses.has(base) || rawTsc;
}
