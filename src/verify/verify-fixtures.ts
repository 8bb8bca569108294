// Test-only helpers: small projects written by code into temp dirs, and real tool output captured
// through the `none` sandbox, so parsers are tested on what the tools really print.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { noneSandboxBackend } from "../sandbox/none/none-sandbox.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";

/** This checkout's typescript package, linked into fixtures instead of installing it. */
const typescriptPackage = path.resolve(import.meta.dirname, "../../node_modules/typescript");

/** Write `files` (relative path → content) into a fresh temp directory and return its path. */
export async function makeProject(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "slipway-verify-"));
  await writeFiles(root, files);
  return root;
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

export async function removeProject(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** Make `root/node_modules/.bin/tsc` the real compiler, as `npm install typescript` would. */
export async function linkTypescript(root: string): Promise<void> {
  await mkdir(path.join(root, "node_modules", ".bin"), { recursive: true });
  await symlink(typescriptPackage, path.join(root, "node_modules", "typescript"));
  await symlink("../typescript/bin/tsc", path.join(root, "node_modules", ".bin", "tsc"));
}

/** A `none` sandbox over `worktree`; dispose it after the test. */
export function sandboxFor(worktree: string): Promise<Sandbox> {
  return noneSandboxBackend.create({ worktree, allowHosts: [], memoryMb: 2048, maxProcesses: 256 });
}

/** Run a real tool in `worktree` and return everything it printed. */
export async function captureOutput(worktree: string, command: string, args: string[]): Promise<string> {
  const sandbox = await sandboxFor(worktree);
  try {
    const result = await sandbox.exec({ command, args, timeoutMs: 60_000, maxOutputBytes: 4 * 1024 * 1024 });
    return result.output;
  } finally {
    await sandbox.dispose();
  }
}

/** Why a test needing `program` must skip, or undefined when it is on PATH. */
export function missingProgram(program: string): string | undefined {
  try {
    execFileSync(program, ["--version"], { stdio: "ignore", timeout: 30_000 });
    return undefined;
  } catch {
    return `${program} is not installed on this machine`;
  }
}

/** A node:test file with one passing and one failing test, the failure on line 5. */
export const simpleTestFile = [
  'import { test } from "node:test";',
  'import assert from "node:assert/strict";',
  'test("adds numbers", () => assert.equal(1 + 1, 2));',
  'test("subtracts numbers", () => {',
  "  assert.equal(2 - 1, 3);",
  "});",
  "",
].join("\n");

/** A node:test file whose failing test sits two suites deep, the failure on line 6. */
export const nestedTestFile = [
  'import { describe, test } from "node:test";',
  'import assert from "node:assert/strict";',
  'describe("slugify", () => {',
  '  describe("with accents", () => {',
  '    test("strips diacritics", () => {',
  '      assert.equal("café".normalize("NFD"), "cafe");',
  "    });",
  '    test("keeps ascii", () => assert.ok(true));',
  "  });",
  "});",
  "",
].join("\n");
