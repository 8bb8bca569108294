// Combining CI-derived checks with detected ones: covered kinds and tool guesses dropped, the
// project's own scripts of other kinds kept, nothing changed when the CI gives no check.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { VerifierCommand } from "../verifier.ts";
import type { CiCheck } from "./ci-checks.ts";
import { preferCiChecks } from "./prefer-ci-checks.ts";

const command = (name: string, line: string): VerifierCommand => {
  const [head, ...args] = line.split(" ");
  return { name, command: head!, args, cwd: ".", parser: "generic", speeds: ["full"], timeoutMs: 1 };
};
const ci = (name: string, line: string, kinds: CiCheck["kinds"]): CiCheck => ({
  command: command(name, line),
  kinds,
  source: "ci.yml",
});

describe("preferCiChecks", () => {
  test("drops the detected checks of kinds the CI runs, and guesses at tools the CI never runs", () => {
    const detected = [
      command("typecheck", "node_modules/.bin/tsc --noEmit"),
      command("eslint", "node_modules/.bin/eslint ."),
      command("test", "npm run test"),
      command("build", "npm run build"),
      command("clippy", "cargo clippy --workspace --all-targets"),
      command("cargo-test", "cargo test --workspace"),
      command("package.json", "node -e 0"),
      command("ctest", "sh -c ctest"),
    ];
    const { commands, notes } = preferCiChecks(detected, [
      ci("tsc", "npx tsc --build", ["type"]),
      ci("cargo-test", "cargo test", ["test"]),
    ]);
    assert.deepEqual(
      commands.map((kept) => `${kept.name}: ${kept.command} ${kept.args.join(" ")}`),
      ["tsc: npx tsc --build", "cargo-test: cargo test", "build: npm run build", "package.json: node -e 0"],
    );
    assert.ok(notes.includes("ci: the CI runs type checks, so the detected typecheck is not run"));
    assert.ok(notes.includes("ci: the CI never runs clippy, so it is not added"));
    assert.ok(notes.includes("ci: the CI never runs eslint, so it is not added"));
  });

  test("a project's own typecheck script is a kind, not a guess: kept when the CI runs no typecheck", () => {
    const own = command("typecheck", "npm run typecheck");
    assert.deepEqual(
      preferCiChecks([own], [ci("test", "npm test", ["test"])]).commands.map((kept) => kept.name),
      ["test", "typecheck"],
    );
  });

  test("no CI check leaves the detected checks as they are", () => {
    const detected = [command("eslint", "eslint .")];
    assert.deepEqual(preferCiChecks(detected, []), { commands: detected, notes: [] });
  });
});
