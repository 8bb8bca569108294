// Builds the package: TypeScript to JavaScript with declarations and source maps in dist/ (tsc,
// tsconfig.build.json), the demo's files copied beside it, then checks the result (build-check.ts).
// Run by `npm run build`, and by npm's `prepare` on `npm install` in a clone and on `npm pack`.
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildProblems } from "./build-check.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = path.join(root, "dist");
/** Files the built code reads at run time by path (see src/demo/prepare-demo-repo.ts). */
const assets = ["demo/example-repo", "demo/demo-task.md"];
/** tsc on the whole source takes seconds; a hung compiler must not hang `npm install`. */
const compileTimeoutMs = 300_000;

function compile(): void {
  const tsc = path.join(root, "node_modules", ".bin", "tsc");
  const result = spawnSync(tsc, ["-p", path.join(root, "tsconfig.build.json")], {
    stdio: "inherit",
    timeout: compileTimeoutMs,
  });
  if (result.error) throw new Error(`cannot run tsc (${tsc}): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`tsc failed (exit ${result.status ?? result.signal})`);
}

function dependencyNames(): Set<string> {
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return new Set(Object.keys(manifest.dependencies ?? {}));
}

try {
  // A clean slate, so a module deleted from src/ cannot live on in dist/.
  rmSync(dist, { recursive: true, force: true });
  compile();
  for (const asset of assets) {
    cpSync(path.join(root, "src", asset), path.join(dist, asset), { recursive: true });
  }
  const problems = buildProblems(dist, dependencyNames(), ["demo/example-repo"]);
  if (problems.length > 0) throw new Error(`the build is not fit to ship:\n  ${problems.join("\n  ")}`);
} catch (error) {
  process.stderr.write(`build: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
