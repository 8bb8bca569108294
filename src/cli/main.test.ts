// The CLI's wiring: which command argv names, the help's one-line entries matching each command's
// own description, and start-up loading only the command that runs (its module graph, not timing).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { Command } from "commander";
import { slipwayBin } from "../../test/helpers/cli.ts";
import { commandNamed, commandTable, packageVersion } from "./main.ts";

/** Records every module node loads, one `LOAD <url>` line on stderr, through a module hook. */
const recordLoads = `data:text/javascript,${encodeURIComponent(
  'import { registerHooks } from "node:module"; import { writeSync } from "node:fs";' +
    'registerHooks({ load(url, context, next) { writeSync(2, "LOAD " + url + "\\n"); return next(url, context); } });',
)}`;

/** The modules `slipway <args>` loads: Slipway's own under src/, and the packages by name. */
function modulesLoaded(args: string[]): { own: string[]; packages: Set<string> } {
  const home = mkdtempSync(path.join(tmpdir(), "slipway-main-test-"));
  const result = spawnSync(process.execPath, ["--import", recordLoads, slipwayBin, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: home, SLIPWAY_DATA_DIR: path.join(home, "data") },
  });
  rmSync(home, { recursive: true, force: true });
  assert.equal(result.status, 0, result.stderr);
  const urls = result.stderr
    .split("\n")
    .filter((line) => line.startsWith("LOAD "))
    .map((line) => line.slice(5));
  const own = urls.flatMap((url) => url.match(/\/src\/(.*)$/)?.[1] ?? []);
  const packages = new Set(urls.flatMap((url) => url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? []));
  return { own, packages };
}

describe("the CLI's wiring", () => {
  test("finds the command past global options and their values, and after help", () => {
    assert.equal(commandNamed(["--data-dir", "runs", "show", "run_1"]), "show");
    assert.equal(commandNamed(["--config=x.yaml", "runs", "--json"]), "runs");
    assert.equal(commandNamed(["help", "pr"]), "pr");
    assert.equal(commandNamed(["--help"]), undefined);
    assert.equal(commandNamed(["--", "runs"]), undefined);
  });

  test("the help lists each command with the description the command itself declares", async () => {
    for (const entry of commandTable) {
      const program = new Command();
      (await entry.load())(program, () => ({}));
      const command = program.commands.find((each) => each.name() === entry.name);
      assert.ok(command, `${entry.name}'s module registers no command of that name`);
      assert.equal(entry.summary, command.description(), `main.ts's summary of ${entry.name} is stale`);
    }
  });

  test("--version prints package.json's version", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    assert.equal(packageVersion(), manifest.version);
    const result = spawnSync(process.execPath, [slipwayBin, "--version"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.stdout.trim(), manifest.version);
  });

  test("--help loads no command's module and none of the SDKs", () => {
    const { own, packages } = modulesLoaded(["--help"]);
    // env-overrides.ts and stdout-closed.ts import nothing: main drops blank variables before
    // anything reads them, and watches stdout for a reader that goes away.
    assert.deepEqual(own, ["cli/main.ts", "config/env-overrides.ts", "cli/output/stdout-closed.ts"]);
    assert.deepEqual([...packages], ["commander"]);
  });

  test("runs loads its own command only, and no model, forge or agent code", () => {
    const { own, packages } = modulesLoaded(["runs"]);
    const commands = own.filter((file) => file.startsWith("cli/command-"));
    assert.deepEqual(commands, ["cli/command-runs.ts"]);
    // Crash recovery's clean-up (worktrees, volumes, setup mounts) loads only when a run needs it,
    // the Postgres store only when configured.
    const heavy = own.filter((file) =>
      /^(agent|models|forge|tools|verify|judge\/llm-judge|workspace|setup|store\/postgres)\//.test(file),
    );
    assert.deepEqual(heavy, [], "runs loads modules it does not use");
    // yaml only when a config file exists (there is none here), postgres only for store.backend postgres.
    const unused = [
      "ai",
      "@ai-sdk/anthropic",
      "@ai-sdk/openai",
      "@octokit/rest",
      "@gitbeaker/rest",
      "yaml",
      "postgres",
    ];
    for (const name of unused) assert.ok(!packages.has(name), `runs loads ${name}`);
  });
});
