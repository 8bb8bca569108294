// Every output parser by name. A check names its parser (`auto`: recognised from its output);
// adding a parser is a file and a line here.
import type { OutputParser } from "../verifier.ts";
import { autoParser } from "./auto-parser.ts";
import { avaParser } from "./ava-parser.ts";
import { biomeParser } from "./biome-parser.ts";
import { cargoParser } from "./cargo-parser.ts";
import { cmakeParser } from "./cmake-parser.ts";
import { ctestParser } from "./ctest-parser.ts";
import { eslintParser } from "./eslint-parser.ts";
import { gccParser } from "./gcc-parser.ts";
import { genericParser } from "./generic-parser.ts";
import { goParser } from "./go-parser.ts";
import { goVetParser } from "./go-vet-parser.ts";
import { gradleParser } from "./gradle-parser.ts";
import { jestParser } from "./jest-parser.ts";
import { mavenParser } from "./maven-parser.ts";
import { mochaParser } from "./mocha-parser.ts";
import { mypyParser } from "./mypy-parser.ts";
import { nodeTapParser } from "./node-tap-parser.ts";
import { nodeTestParser } from "./node-test-parser.ts";
import { pytestParser } from "./pytest-parser.ts";
import { ruffParser } from "./ruff-parser.ts";
import { tapParser } from "./tap-parser.ts";
import { tscParser } from "./tsc-parser.ts";
import { tsdParser } from "./tsd-parser.ts";
import { unittestParser } from "./unittest-parser.ts";
import { vitestParser } from "./vitest-parser.ts";
import { xoParser } from "./xo-parser.ts";

export const outputParsers: ReadonlyMap<string, OutputParser> = new Map(
  [
    nodeTestParser,
    tscParser,
    genericParser,
    vitestParser,
    jestParser,
    mochaParser,
    tapParser,
    eslintParser,
    biomeParser,
    pytestParser,
    ruffParser,
    mypyParser,
    cargoParser,
    goParser,
    goVetParser,
    mavenParser,
    gradleParser,
    avaParser,
    nodeTapParser,
    gccParser,
    cmakeParser,
    ctestParser,
    tsdParser,
    xoParser,
    unittestParser,
    autoParser,
  ].map((parser) => [parser.name, parser]),
);

/** The parser called `name`, or undefined when none is registered under it. */
export function findParser(name: string): OutputParser | undefined {
  return outputParsers.get(name);
}
