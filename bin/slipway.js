#!/usr/bin/env node
// Entry point: checks the Node version, then runs the CLI: the TypeScript sources in a clone (Node
// strips their types, so an edit needs no build), else the built JavaScript the package ships.
import { existsSync } from "node:fs";
import { enableCompileCache } from "node:module";

const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(
    `slipway: needs Node.js 24 or newer, this is ${process.version}: install one, e.g. ` +
      "`npm install --prefix ~/.node24 node@24` and put ~/.node24/node_modules/.bin first on PATH\n",
  );
  process.exit(2);
}
// V8 keeps the compiled code of every module on disk (under the temp directory, one cache per node
// version): later starts skip parsing and compiling zod, yaml and the rest.
enableCompileCache();
// node:sqlite still announces itself as experimental on Node 24; that notice is noise for users.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  if (String(warning).includes("SQLite")) return;
  emitWarning(warning, ...rest);
};
// The published package has no src/ (package.json "files"), and Node refuses to strip types under
// node_modules anyway; a clone has src/ and runs it, so no stale build can hide an edit.
const source = new URL("../src/cli/main.ts", import.meta.url);
const entry = existsSync(source) ? source.href : new URL("../dist/cli/main.js", import.meta.url).href;
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
