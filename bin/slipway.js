#!/usr/bin/env node
// Entry point: checks the Node version, then runs the CLI: the TypeScript sources in a clone (Node
// strips their types, so an edit needs no build), else the built JavaScript the package ships.
// Only modules every Node version has, and named exports old ones lack read off the module object:
// the version check below must be what an old Node prints, not an import error.
import { existsSync } from "node:fs";
import nodeModule from "node:module";
import { homedir } from "node:os";
import path from "node:path";

const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(
    `slipway: needs Node.js 24 or newer, this is ${process.version}: install one, e.g. ` +
      "`npm install --prefix ~/.node24 node@24` and put ~/.node24/node_modules/.bin first on PATH\n",
  );
  process.exit(2);
}
// V8 keeps the compiled code of every module on disk: later starts skip parsing and compiling zod,
// yaml and the rest. In the user's own cache directory, not node's default under the shared /tmp,
// where another local user could plant compiled code; never when that directory's parent is
// missing (node would create a whole HOME path). NODE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE=1
// override it; a cache that cannot be written only costs speed.
const cacheHome = process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
const cacheParent = process.env.XDG_CACHE_HOME || homedir();
if (process.env.NODE_COMPILE_CACHE) nodeModule.enableCompileCache();
else if (existsSync(cacheParent))
  nodeModule.enableCompileCache(path.join(cacheHome, "slipway", "node-compile-cache"));
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
