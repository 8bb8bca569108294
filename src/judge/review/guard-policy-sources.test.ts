import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { ConfigError } from "../../core/errors.ts";
import { GuardPolicy } from "../guards/guard.ts";
import { readRepoGuardSection, resolveGuardPolicy } from "./guard-policy-sources.ts";

const platform = GuardPolicy.parse({ maxFilesChanged: 20 });
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function worktreeWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-guard-policy-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

test("the repository's guards override the platform's key by key", async () => {
  const worktree = worktreeWith({ ".slipway.yml": "verify: {}\nguards:\n  maxLinesChanged: 10\n" });
  const policy = resolveGuardPolicy(platform, await readRepoGuardSection(worktree), {});
  assert.equal(policy.maxLinesChanged, 10);
  assert.equal(policy.maxFilesChanged, 20);
});

test("without .slipway.yml the platform policy stands", async () => {
  const policy = resolveGuardPolicy(platform, await readRepoGuardSection(worktreeWith({})), {});
  assert.deepEqual(policy, platform);
});

test("a task's paths replace the repository's and its grants add to them", () => {
  const policy = resolveGuardPolicy(
    platform,
    { allowedPaths: ["lib/**"], allowProtected: ["go.mod"], allowBinary: ["fixtures/**"] },
    {
      allowedPaths: ["docs/**"],
      allowProtected: ["package.json"],
      allowBinary: ["test/data/**"],
    },
  );
  assert.deepEqual(policy.allowedPaths, ["docs/**"]);
  assert.deepEqual(policy.allowProtected, ["go.mod", "package.json"]);
  assert.deepEqual(policy.allowBinary, ["fixtures/**", "test/data/**"]);
});

test("a bad value in .slipway.yml names the file and the key", () => {
  assert.throws(
    () => resolveGuardPolicy(platform, { maxFilesChanged: "many" }, {}),
    (error) =>
      ConfigError.isInstance(error) && /^\.slipway\.yml: guards\.maxFilesChanged: /.test(error.message),
  );
  assert.throws(
    () => resolveGuardPolicy(platform, { maxFiles: 3 }, {}),
    (error) => ConfigError.isInstance(error) && /maxFiles/.test(error.message),
  );
});

test("a guards section that is not a mapping is refused", async () => {
  const worktree = worktreeWith({ ".slipway.yml": "guards: [1, 2]\n" });
  await assert.rejects(readRepoGuardSection(worktree), (error) => ConfigError.isInstance(error));
});
