// The folders are the architecture: a static scan of every module's imports under src/ that fails
// when a lower layer reaches up (into the command line) or sideways into a peer it must not know.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const sourceRoot = fileURLToPath(new URL(".", import.meta.url));

/** Modules outside cli/ that still import it, each with the change that removes it (none left: issue 14 moved the wiring to runs/). */
const cliImportAllowed: ReadonlyMap<string, string> = new Map<string, string>([]);

/** Folder pairs that must never meet: [importer's top folder, imported top folder, why]. */
const forbiddenPairs: readonly [string, string, string][] = [
  ["judge", "agent", "the judge is independent of the agent it judges; shared model calls live in models/"],
];

interface ImportEdge {
  /** The importing module, relative to src/. */
  from: string;
  /** The imported module, relative to src/. */
  to: string;
}

/** Every relative import of every non-test module under src/ (static, dynamic and re-exports). */
function importEdges(root: string): ImportEdge[] {
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter(
    (file) =>
      file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.split(path.sep).includes("node_modules"),
  );
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]+)"/g;
  return files.flatMap((file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    return [...text.matchAll(specifier)].map((match) => ({
      from: file.split(path.sep).join("/"),
      to: path
        .relative(root, path.resolve(root, path.dirname(file), match[1]!))
        .split(path.sep)
        .join("/"),
    }));
  });
}

const topFolder = (file: string): string => (file.includes("/") ? file.split("/")[0]! : "");

test("the scan sees the imports it checks (static, dynamic, re-export)", () => {
  const edges = importEdges(sourceRoot);
  assert.ok(edges.some((edge) => edge.from === "forge/pr-body.ts" && edge.to === "report/figures.ts"));
  assert.ok(edges.some((edge) => edge.from === "cli/main.ts" && edge.to === "cli/command-runs.ts"));
  assert.ok(edges.some((edge) => edge.from === "cli/output/figures.ts" && edge.to === "report/figures.ts"));
});

test("no module below the command line imports from src/cli/", () => {
  const offending = importEdges(sourceRoot)
    .filter((edge) => topFolder(edge.to) === "cli" && topFolder(edge.from) !== "cli")
    .filter((edge) => !cliImportAllowed.has(edge.from))
    .map((edge) => `${edge.from} imports ${edge.to}`);
  assert.deepEqual(offending, [], "move what they share below cli/ (src/report/, src/runs/, src/core/)");
});

test("the allow-list of cli/ imports holds only modules that still need it", () => {
  const stillImporting = new Set(
    importEdges(sourceRoot)
      .filter((edge) => topFolder(edge.to) === "cli" && topFolder(edge.from) !== "cli")
      .map((edge) => edge.from),
  );
  const stale = [...cliImportAllowed.keys()].filter((file) => !stillImporting.has(file));
  assert.deepEqual(stale, [], "these no longer import cli/: remove them from the allow-list");
});

test("peers that must stay independent do not import each other", () => {
  const edges = importEdges(sourceRoot);
  for (const [importer, imported, why] of forbiddenPairs) {
    const offending = edges
      .filter((edge) => topFolder(edge.from) === importer && topFolder(edge.to) === imported)
      .map((edge) => `${edge.from} imports ${edge.to}`);
    assert.deepEqual(offending, [], why);
  }
});
