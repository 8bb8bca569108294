// Checks a build of the package before it ships: no test code in it, and nothing it imports at run
// time that a user's install would lack (a devDependency, or a package not declared at all).
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import vm from "node:vm";

/** Files that are test code by their name or folder, wherever the build put them. */
const testCodeName = /(\.test\.|\.contract\.|-fixtures?\.|(^|\/)test-double\/)/;

/** Dynamic imports with a literal specifier (how the CLI and registries load modules lazily). */
const dynamicImport = /\bimport\(\s*"([^"]+)"\s*\)/g;

/**
 * The specifiers a module imports: the static ones as node's own parser reads them (so import
 * lines inside strings, such as the demo's test file, are not counted), the dynamic ones by shape.
 * Needs `--experimental-vm-modules` (for `vm.SourceTextModule`).
 */
export function importsOf(source: string): string[] {
  if (typeof vm.SourceTextModule !== "function") {
    throw new Error("run node with --experimental-vm-modules to read a module's imports");
  }
  const staticImports = new vm.SourceTextModule(source).moduleRequests.map((request) => request.specifier);
  return [...staticImports, ...Array.from(source.matchAll(dynamicImport), (match) => match[1]!)];
}

/** Every file under `directory`, as paths relative to it, at most `limit` of them. */
export function listFiles(directory: string, limit = 5_000): string[] {
  const entries = readdirSync(directory, { recursive: true, withFileTypes: true });
  if (entries.length > limit) throw new Error(`${directory} holds more than ${limit} entries`);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for a path. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) {
    return undefined;
  }
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * What is wrong with the JavaScript under `buildDir` (file names are relative to it): test code,
 * an import of node's test runner, or an import of a package outside `dependencies`. Assets (the
 * demo's example repository, which has its own tests on purpose) are under `assetDirs` and skipped.
 */
export function buildProblems(
  buildDir: string,
  dependencies: ReadonlySet<string>,
  assetDirs: readonly string[],
): string[] {
  const problems: string[] = [];
  const builtins = new Set(builtinModules);
  for (const file of listFiles(buildDir)) {
    if (assetDirs.some((asset) => file.startsWith(`${asset}/`))) continue;
    if (testCodeName.test(file)) problems.push(`${file}: test code in the build`);
    if (!file.endsWith(".js")) continue;
    for (const specifier of importsOf(readFileSync(path.join(buildDir, file), "utf8"))) {
      if (specifier === "node:test") problems.push(`${file}: imports node:test (test code)`);
      const name = packageOf(specifier);
      if (name === undefined || builtins.has(name) || dependencies.has(name)) continue;
      problems.push(`${file}: imports ${specifier}, which is not in package.json's dependencies`);
    }
  }
  return problems;
}
