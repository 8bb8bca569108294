// Setup's Go module cache, on bwrap with no network: the test fills the repository's cache under
// <dataDir>/caches/go/ the way an earlier setup would have (go mod tidy on the host against a local
// file:// proxy holding one module), then the detected `go mod download` passes in a setup sandbox
// that may reach no registry — and fails the same way without the cache. What reaches Go's proxy
// for real is not tested here: this machine reaches only the npm registry.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { createBwrapBackend } from "../src/sandbox/bwrap/bwrap-sandbox.ts";
import { findOnPath } from "../src/sandbox/bwrap/toolchain-mounts.ts";
import { contractOptions, tempDirectory } from "../src/sandbox/sandbox.contract.ts";
import { cacheDirectory } from "../src/setup/caches/download-caches.ts";
import { planSetup } from "../src/setup/plan-setup.ts";
import { runSetupInOwnSandbox } from "../src/setup/setup-sandbox.ts";
import { git, writeFiles } from "./helpers/git-fixture.ts";

const backend = createBwrapBackend();
const availability = await backend.availability();
const go = findOnPath("go", process.env.PATH ?? "");
const skip =
  (process.getuid?.() !== 0 && "bind mounts need root") ||
  (!go && "go is not installed") ||
  (!availability.available && `bwrap: ${availability.reason}`) ||
  false;
if (skip) console.log(`# skipping the Go download cache test: ${skip}`);

const directories: string[] = [];
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** A file:// Go proxy holding example.com/greet v1.0.0 (zip made with python3's zipfile). */
function makeProxy(): string {
  const proxy = tempDirectory("go-proxy");
  directories.push(proxy);
  const versions = path.join(proxy, "example.com", "greet", "@v");
  mkdirSync(versions, { recursive: true });
  const goMod = "module example.com/greet\n\ngo 1.19\n";
  const source = 'package greet\n\nfunc Hello() string { return "hello" }\n';
  writeFileSync(path.join(versions, "list"), "v1.0.0\n");
  writeFileSync(path.join(versions, "v1.0.0.info"), '{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}');
  writeFileSync(path.join(versions, "v1.0.0.mod"), goMod);
  const zip = [
    "import sys, zipfile",
    "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
    "    z.writestr('example.com/greet@v1.0.0/go.mod', sys.argv[2])",
    "    z.writestr('example.com/greet@v1.0.0/greet.go', sys.argv[3])",
  ].join("\n");
  execFileSync("python3", ["-c", zip, path.join(versions, "v1.0.0.zip"), goMod, source], { timeout: 30_000 });
  return proxy;
}

test("go mod download passes offline from the repository's cache, and fails without it", {
  skip,
}, async () => {
  const dataDir = tempDirectory("go-cache-data");
  const repo = tempDirectory("go-cache-repo");
  directories.push(dataDir, repo);
  const repoName = "example/go-cached";
  writeFiles(repo, {
    "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/greet v1.0.0\n",
    "main.go": 'package main\n\nimport "example.com/greet"\n\nfunc main() { println(greet.Hello()) }\n',
  });
  // What an earlier setup of this repository left: the module in its cache (and go.sum in the repository).
  const modCache = path.join(cacheDirectory(dataDir, "go", repoName), "mod");
  const goEnv = {
    ...process.env,
    GOPROXY: `file://${makeProxy()}`,
    GOSUMDB: "off",
    GOFLAGS: "-mod=mod",
    GOMODCACHE: modCache,
    GOCACHE: path.join(dataDir, "go-build"),
  };
  // tidy writes go.sum; download adds the .info files `go mod download` reads back.
  for (const args of [
    ["mod", "tidy"],
    ["mod", "download"],
  ])
    execFileSync("go", args, { cwd: repo, timeout: 120_000, env: goEnv });
  git(repo, "init", "--quiet", "--initial-branch=main");
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "app");

  const setUp = async (caches: boolean) => {
    const worktree = path.join(tempDirectory("go-cache-worktree"), "w");
    directories.push(path.dirname(worktree));
    execFileSync("git", ["clone", "--quiet", repo, worktree], { timeout: 60_000 });
    // No registry is allowed: only the cache can provide the module.
    const plan = await planSetup(worktree, undefined, { secretEnv: [], allowHosts: ["nothing.invalid"] });
    assert.deepEqual(plan.ecosystems, ["go"]);
    return runSetupInOwnSandbox({
      backend,
      options: { ...contractOptions(worktree), allowHosts: plan.allowHosts },
      plan,
      timeoutMs: 120_000,
      timeoutMinutes: 2,
      signal: AbortSignal.timeout(180_000),
      ...(caches ? { caches: { dataDir, repo: repoName } } : {}),
    });
  };
  const cached = await setUp(true);
  assert.equal(cached.passed, true, cached.cause);
  const uncached = await setUp(false);
  assert.equal(uncached.passed, false, "without the cache go mod download needs the proxy");
});
