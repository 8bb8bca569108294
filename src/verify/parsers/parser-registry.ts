// Every output parser by name. A check names its parser; adding a parser is a file and a line here.
import type { OutputParser } from "../verifier.ts";
import { genericParser } from "./generic-parser.ts";
import { nodeTestParser } from "./node-test-parser.ts";
import { tscParser } from "./tsc-parser.ts";

export const outputParsers: ReadonlyMap<string, OutputParser> = new Map(
  [nodeTestParser, tscParser, genericParser].map((parser) => [parser.name, parser]),
);

/** The parser called `name`, or undefined when none is registered under it. */
export function findParser(name: string): OutputParser | undefined {
  return outputParsers.get(name);
}
