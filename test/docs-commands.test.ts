// The README's command table and exit-code table say what the code does: every command and option
// `slipway --help` knows is in the table, no option the table shows is unknown to its command, and
// every outcome's exit code is the one src/core/exit-codes.ts maps it to.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { Command } from "commander";
import { buildProgram } from "../src/cli/main.ts";
import { outcomeExitCodes, storeFailedExitCode } from "../src/core/exit-codes.ts";

const readme = readFileSync(path.join(import.meta.dirname, "..", "README.md"), "utf8");

/** The rows of the first table at or after the line `marker` (a heading, or the table's header). */
function tableRows(marker: string): string[][] {
  const start = readme.indexOf(`\n${marker}\n`);
  assert.notEqual(start, -1, `README has the line "${marker}"`);
  const lines = readme.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2, first + 200)) {
    if (!line.startsWith("|")) break;
    // A pipe escaped inside a cell (`fast\|full`) is not a separator.
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** The command paths a row's first cell names: "`slipway pr approve` / `close`" → pr approve, pr close. */
function commandsOfCell(cell: string): string[] {
  const spans = [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!.split(" "));
  const words = (span: string[]) => span.filter((word) => /^[a-z]+$/.test(word));
  const [main, ...siblings] = spans;
  const commandPath = words(main!).slice(1); // drop "slipway"
  return [
    commandPath.join(" "),
    ...siblings.map((span) => {
      const named = words(span);
      return named[0] === commandPath[0]
        ? named.join(" ")
        : [...commandPath.slice(0, -1), ...named].join(" ");
    }),
  ];
}

/** Every command and subcommand of the program by its path ("pr watch"), with its long options. */
function commandOptions(program: Command): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const walk = (command: Command, prefix: string[]) => {
    for (const sub of command.commands) {
      if (sub.name() === "help") continue;
      const name = [...prefix, sub.name()];
      const options = sub.options.flatMap((option) => option.long ?? []).filter((flag) => flag !== "--help");
      if (sub.commands.length === 0 || options.length > 0) found.set(name.join(" "), new Set(options));
      walk(sub, name);
    }
  };
  walk(program, []);
  return found;
}

test("README's command table lists every command and exactly its options", async () => {
  const known = commandOptions(await buildProgram());
  const listed = new Set<string>();
  for (const [cell, , optionsCell] of tableRows("## Commands")) {
    const names = commandsOfCell(cell!);
    const shown = new Set([...optionsCell!.matchAll(/--[a-z][a-z-]*/g)].map((match) => match[0]));
    const expected = new Set<string>();
    for (const name of names) {
      const options = known.get(name);
      assert.ok(options, `README's command table names "slipway ${name}", which does not exist`);
      for (const option of options) expected.add(option);
      listed.add(name);
    }
    assert.deepEqual([...shown].sort(), [...expected].sort(), `the options of ${names.join(", ")}`);
  }
  const missing = [...known.keys()].filter((name) => !listed.has(name));
  assert.deepEqual(missing, [], "commands missing from README's command table");
});

test("README's exit-code table gives every outcome the code it exits with", () => {
  const documented = new Map<string, number>();
  for (const [outcomes, codes] of tableRows("| outcome | exit | meaning |")) {
    const names = [...outcomes!.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!);
    const numbers = codes!.split("/").map((code) => Number(code.trim()));
    for (const [index, name] of names.entries()) documented.set(name, numbers[index] ?? Number.NaN);
    if (/store cannot be used/.test(outcomes!)) documented.set("(store)", numbers[0]!);
  }
  for (const [outcome, code] of Object.entries(outcomeExitCodes)) {
    assert.equal(documented.get(outcome), code, `README's exit code of ${outcome}`);
  }
  assert.equal(
    documented.get("(store)"),
    storeFailedExitCode,
    "README's exit code when the store cannot be used",
  );
});
