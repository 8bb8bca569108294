// Command-line arguments reach whom they belong to: a command's own options after `sandbox exec`'s
// program go to that program, and a mistyped forge name is refused instead of matching nothing.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { tempDir } from "./helpers/git-fixture.ts";

describe("command-line arguments", () => {
  test("options after sandbox exec's program belong to the program, with or without --", async () => {
    const dataDir = tempDir("data");
    const plain = tempDir("plain");
    const program = ["sh", "-c", 'echo "args: $*"', "sh", "-V", "--help", "--version"];
    for (const separator of [[], ["--"]]) {
      const result = await runCli(
        [
          "--data-dir",
          dataDir,
          "sandbox",
          "exec",
          "--backend",
          "none",
          "--repo",
          plain,
          ...separator,
          ...program,
        ],
        { env: cliEnv({}) },
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, "args: -V --help --version\n");
    }
  });

  test("pr list, show and watch refuse an unknown --forge, naming the known ones (exit 2)", async () => {
    const dataDir = tempDir("data");
    for (const args of [
      ["pr", "list"],
      ["pr", "show", "1"],
      ["pr", "watch", "1"],
    ]) {
      const result = await runCli(["--data-dir", dataDir, ...args, "--forge", "bogus"], { env: cliEnv({}) });
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, /'bogus' is invalid\. unknown forge: use one of local, github, gitlab/);
    }
  });
});
