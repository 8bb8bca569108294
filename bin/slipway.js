#!/usr/bin/env node
// Entry point: checks the Node version, then runs the TypeScript CLI directly (Node strips types).
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(
    `slipway: needs Node.js 24 or newer, this is ${process.version}: install one, e.g. ` +
      "`npm install --prefix ~/.node24 node@24` and put ~/.node24/node_modules/.bin first on PATH\n",
  );
  process.exit(2);
}
// node:sqlite still announces itself as experimental on Node 24; that notice is noise for users.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  if (String(warning).includes("SQLite")) return;
  emitWarning(warning, ...rest);
};
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
