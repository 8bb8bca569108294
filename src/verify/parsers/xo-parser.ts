// The parser for xo, which prints through the same pretty formatter as tsd: `  file:line:col`
// headers, then `  ✖  line:col  message  rule`; its findings carry the rule, so they are lint.
import type { OutputParser } from "../verifier.ts";
import { parseTsdOutput } from "./tsd-parser.ts";

export const xoParser: OutputParser = {
  name: "xo",
  parse: (output) => parseTsdOutput(output),
};
