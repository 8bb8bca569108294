// Shared download caches of setup, on bwrap and the real npm registry: a setup fills the repository's
// npm cache under <dataDir>/caches (never with the registry token it was handed through the
// environment and its .npmrc sends), and a later cold install of the same repository succeeds from
// that cache while the registry is not among its allowed hosts — the same install without the cache
// fails. Afterwards nothing is mounted in the worktree and the cache folder is gone. A repository
// that has the cache folder itself (a link) gets no cache, and the link's target stays untouched.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { createBwrapBackend } from "../src/sandbox/bwrap/bwrap-sandbox.ts";
import { contractOptions, tempDirectory } from "../src/sandbox/sandbox.contract.ts";
import {
  cacheDirectory,
  cacheEnvFor,
  cacheFolder,
  cachesRoot,
  mountDownloadCaches,
  unmountDownloadCaches,
} from "../src/setup/caches/download-caches.ts";
import { planSetup } from "../src/setup/plan-setup.ts";
import { runSetupInOwnSandbox } from "../src/setup/setup-sandbox.ts";
import { mountPointsUnder } from "../src/setup/snapshots/dependency-mounts.ts";
import { git, writeFiles } from "./helpers/git-fixture.ts";
import { canary, canaryVariable, makeSetupProject, registryReach } from "./helpers/setup-project.ts";

const root = process.getuid?.() === 0 ? false : "bind mounts need root";
const reach = await registryReach();
const backend = createBwrapBackend({ egress: { allowAddresses: reach.allowAddresses } });
const availability = await backend.availability();
const skip = root || reach.skip || (availability.available ? false : `bwrap: ${availability.reason}`);
if (skip) console.log(`# skipping the download cache setup test: ${skip}`);

/** The files under `directory` holding `text` (grep exits 1 when none does). */
function filesHolding(text: string, directory: string): string {
  try {
    return execFileSync("grep", ["-rlF", text, directory], { encoding: "utf8", timeout: 60_000 });
  } catch (error) {
    if ((error as { status?: number }).status === 1) return "";
    throw error;
  }
}

describe("download caches shared between setups of a repository", () => {
  const directories: string[] = [];
  after(() => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });
  const dataDir = tempDirectory("cache-data");
  directories.push(dataDir);
  const repoName = "example/cached";

  /** A fresh clone of `repo` and its setup: the detected npm ci, allowed `allowHosts` (the registry's when absent). */
  async function setUp(repo: string, allowHosts: string[] | undefined, caches: boolean) {
    const worktree = path.join(tempDirectory("cache-worktree"), "w");
    directories.push(path.dirname(worktree));
    execFileSync("git", ["clone", "--quiet", repo, worktree], { timeout: 60_000 });
    const plan = await planSetup(worktree, undefined, {
      secretEnv: [canaryVariable],
      ...(allowHosts ? { allowHosts } : {}),
    });
    // One try: a refused registry fails at once instead of after npm's backed-off retries.
    plan.commands = plan.commands.map((command) => ({
      ...command,
      env: { ...command.env, npm_config_fetch_retries: "0" },
    }));
    const result = await runSetupInOwnSandbox({
      backend,
      options: { ...contractOptions(worktree), allowHosts: plan.allowHosts },
      plan,
      timeoutMs: 180_000,
      timeoutMinutes: 3,
      signal: AbortSignal.timeout(240_000),
      environment: { [canaryVariable]: canary },
      ...(caches ? { caches: { dataDir, repo: repoName } } : {}),
    });
    assert.deepEqual(mountPointsUnder(worktree), [], "nothing stays mounted in the worktree");
    assert.equal(existsSync(path.join(worktree, cacheFolder)), false);
    return { worktree, result, plan };
  }

  test("a cold install reuses the repository's downloads without reaching the registry; the cache holds no token", {
    skip,
  }, async () => {
    const repo = makeSetupProject({ dependency: "registry" });
    directories.push(repo);
    // The token reaches the registry as npm's Authorization header: the case where it could be cached.
    writeFiles(repo, { ".npmrc": `//registry.npmjs.org/:_authToken=\${${canaryVariable}}\n` });
    git(repo, "add", ".npmrc");
    git(repo, "commit", "--quiet", "-m", "token");

    const first = await setUp(repo, undefined, true);
    assert.equal(first.result.passed, true, first.result.cause);
    const npmCache = path.join(cacheDirectory(dataDir, "node", repoName), "npm");
    assert.ok(readdirSync(path.join(npmCache, "_cacache")).length > 0, "npm's cache was filled");
    assert.equal(filesHolding(canary, cachesRoot(dataDir)), "", "the token was written to the cache");

    // The registry is not allowed now: only the shared cache can make this install pass.
    const offline = ["nothing.invalid"];
    const cached = await setUp(repo, offline, true);
    assert.equal(cached.result.passed, true, cached.result.cause);
    assert.ok(existsSync(path.join(cached.worktree, "node_modules", "is-number", "index.js")));
    const uncached = await setUp(repo, offline, false);
    assert.equal(uncached.result.passed, false, "without the cache the same install needs the registry");
  });

  test("only pnpm's commands get the store directory (npm warns about a setting it does not know)", () => {
    const caches = {
      env: { npm_config_cache: "/w/.slipway-setup-cache/node/npm" },
      ecosystems: ["node"],
      notes: [],
    };
    assert.equal(cacheEnvFor(caches, "npm ci --no-audit --no-fund").npm_config_store_dir, undefined);
    assert.equal(
      cacheEnvFor(caches, "pnpm install --frozen-lockfile").npm_config_store_dir,
      "/w/.slipway-setup-cache/node/pnpm-store",
    );
    assert.deepEqual(cacheEnvFor(undefined, "pnpm install"), {});
  });

  test("a repository with its own entry at the cache folder gets no cache, and the entry is not followed", {
    skip: root,
  }, async () => {
    const worktree = tempDirectory("cache-link");
    const outside = tempDirectory("cache-outside");
    directories.push(worktree, outside);
    symlinkSync(outside, path.join(worktree, cacheFolder));
    mkdirSync(path.join(worktree, "src"));
    const mounted = await mountDownloadCaches({ dataDir, repo: repoName, worktree, ecosystems: ["node"] });
    assert.deepEqual(mounted.env, {});
    assert.match(mounted.notes.join("\n"), /the repository has \.slipway-setup-cache/);
    assert.deepEqual(mountPointsUnder(worktree), []);
    assert.deepEqual(readdirSync(outside), []);
    assert.equal(await unmountDownloadCaches(worktree), 0);
    assert.ok(existsSync(path.join(worktree, cacheFolder)), "the repository's own link is left alone");
  });
});
