// The parser registry holds exactly one parser per `*-parser.ts` file, under the file's name.
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { test } from "node:test";
import { outputParsers } from "./parser-registry.ts";

test("every *-parser.ts file is registered under its name, and nothing else is", async () => {
  const files = (await readdir(import.meta.dirname)).filter((file) => file.endsWith("-parser.ts"));
  const names = files.map((file) => file.replace(/-parser\.ts$/, ""));
  assert.deepEqual(names.sort(), [...outputParsers.keys()].sort());
  for (const [name, parser] of outputParsers) assert.equal(parser.name, name);
});
