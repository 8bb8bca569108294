// Setup's downloads reach the agent and the gate offline, and a hostile agent cannot poison them.
// Real pieces: a Go module whose dependency (another local module, served by a file:// module proxy
// the test writes) was downloaded into the repository's download cache by the host's `go mod
// download`, as setup's would; `go test` then runs in a bwrap sandbox with no network, in both
// process spaces, through the overlay; what the agent writes there never reaches the cache. Cargo:
// crates.io is out of reach here, so the crate comes from a directory source (config.toml and
// vendor/) the test writes into the repository's CARGO_HOME cache, as `cargo vendor` would lay it out.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { createBwrapBackend } from "../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../src/sandbox/docker/docker-sandbox.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import { askingFor, contractOptions, shell, tempDirectory } from "../src/sandbox/sandbox.contract.ts";
import { cacheDirectory } from "../src/setup/caches/download-caches.ts";
import {
  mountOfflineCaches,
  offlineFolder,
  releaseOfflineCaches,
  withOfflineEnv,
} from "../src/setup/caches/offline-caches.ts";
import { overlayProblem } from "../src/setup/snapshots/dependency-mounts.ts";

function goMissing(): string | undefined {
  try {
    execFileSync("go", ["version"], { stdio: "pipe", timeout: 10_000 });
    return undefined;
  } catch {
    return "go is not installed here";
  }
}
const skip = overlayProblem() ?? goMissing() ?? false;
if (skip) console.log(`# skipping the offline download cache cases: ${skip}`);
const dockerReason = skip ? undefined : await dockerTestSkipReason();
const dockerSkip = dockerReason ? `no Docker engine here: ${dockerReason}` : false;
if (dockerSkip) console.log(`# skipping the docker offline cache case: ${dockerSkip}`);

const scratch = tempDirectory("offline-caches");
after(() => rmSync(scratch, { recursive: true, force: true }));
const dataDir = path.join(scratch, "data");
const repo = "https://example.test/app.git";
const dep = "example.com/dep@v1.0.0";
const depSource = "package dep\n\nfunc Answer() int { return 42 }\n";

/** A file:// module proxy serving example.com/dep v1.0.0 (the zip written by python's zipfile). */
function writeProxy(proxy: string): void {
  const dir = path.join(proxy, "example.com/dep/@v");
  mkdirSync(dir, { recursive: true });
  const mod = "module example.com/dep\n\ngo 1.19\n";
  writeFileSync(path.join(dir, "list"), "v1.0.0\n");
  writeFileSync(path.join(dir, "v1.0.0.mod"), mod);
  writeFileSync(path.join(dir, "v1.0.0.info"), '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}');
  const zip = `import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],"w")\nz.writestr("${dep}/go.mod",sys.argv[2])\nz.writestr("${dep}/dep.go",sys.argv[3])\nz.close()\n`;
  execFileSync("python3", ["-c", zip, path.join(dir, "v1.0.0.zip"), mod, depSource], { timeout: 10_000 });
}

/** The app's worktree, its go.sum, and the repository's go download cache filled as setup fills it. */
function prepare(worktree: string): string {
  const proxy = path.join(scratch, "proxy");
  if (!existsSync(proxy)) writeProxy(proxy);
  writeFileSync(
    path.join(worktree, "go.mod"),
    "module example.com/app\n\ngo 1.19\n\nrequire example.com/dep v1.0.0\n",
  );
  writeFileSync(
    path.join(worktree, "app_test.go"),
    'package app\n\nimport (\n\t"testing"\n\n\t"example.com/dep"\n)\n\nfunc TestAnswer(t *testing.T) {\n\tif dep.Answer() != 42 {\n\t\tt.Fatal("wrong answer")\n\t}\n}\n',
  );
  const cache = cacheDirectory(dataDir, "go", repo);
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: scratch,
    GOCACHE: path.join(scratch, "gocache"),
    GOMODCACHE: path.join(cache, "mod"),
    GOPROXY: `file://${proxy}`,
    GOSUMDB: "off",
    GOFLAGS: "-mod=mod",
  };
  execFileSync("go", ["mod", "download", "-x"], { cwd: worktree, env, stdio: "pipe", timeout: 120_000 });
  execFileSync("go", ["mod", "tidy"], { cwd: worktree, env, stdio: "pipe", timeout: 120_000 });
  return path.join(cache, "mod", dep);
}

/** Every file under `root` with its bytes and mode, to compare the cache before and after. */
function fingerprint(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      const stat = statSync(file);
      if (stat.isDirectory()) walk(file);
      else out.push(`${path.relative(root, file)} ${stat.mode.toString(8)} ${readFileSync(file, "hex")}`);
    }
  };
  walk(root);
  return out;
}

/** The rust cache of `cargoRepo`: a CARGO_HOME whose config replaces crates.io with its vendor/. */
function prepareCargo(worktree: string, cargoRepo: string): string {
  const home = cacheDirectory(dataDir, "rust", cargoRepo);
  mkdirSync(path.join(home, "vendor/dep/src"), { recursive: true, mode: 0o700 });
  // A relative directory is read from CARGO_HOME's parent: inside, <worktree>/.slipway-deps.
  writeFileSync(
    path.join(home, "config.toml"),
    '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "rust/vendor"\n',
  );
  writeFileSync(
    path.join(home, "vendor/dep/Cargo.toml"),
    '[package]\nname = "dep"\nversion = "1.0.0"\nedition = "2021"\n',
  );
  writeFileSync(path.join(home, "vendor/dep/src/lib.rs"), "pub fn answer() -> i32 { 42 }\n");
  writeFileSync(path.join(home, "vendor/dep/.cargo-checksum.json"), '{"files":{},"package":null}');
  mkdirSync(path.join(worktree, "src"));
  writeFileSync(
    path.join(worktree, "Cargo.toml"),
    '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ndep = "1.0.0"\n',
  );
  writeFileSync(
    path.join(worktree, "src/lib.rs"),
    "#[cfg(test)]\nmod tests {\n    #[test]\n    fn answer() {\n        assert_eq!(dep::answer(), 42);\n    }\n}\n",
  );
  return home;
}

function cargoMissing(): string | false {
  try {
    execFileSync("cargo", ["--version"], { stdio: "pipe", timeout: 30_000 });
    return false;
  } catch {
    return "cargo is not installed here";
  }
}

describe("setup's downloads offline", { skip }, () => {
  test("bwrap: cargo test finds a crate of CARGO_HOME offline; the agent's writes never reach it", {
    skip: cargoMissing(),
  }, async () => {
    const worktree = tempDirectory("offline-cargo");
    const cargoRepo = "https://example.test/crate.git";
    try {
      const home = prepareCargo(worktree, cargoRepo);
      const before = fingerprint(home);
      const offline = await mountOfflineCaches({ dataDir, repo: cargoRepo, worktree });
      assert.deepEqual(offline.ecosystems, ["rust"], offline.notes.join("; "));
      assert.equal(offline.env.CARGO_NET_OFFLINE, "true");
      const backend = createBwrapBackend({ toolchains: ["cargo", "rustc"] });
      const sandbox = askingFor(await backend.create(contractOptions(worktree)), "run");
      try {
        const checked = withOfflineEnv(sandbox, offline.env);
        const tested = await checked.exec(shell("cargo test", { timeoutMs: 300_000 }));
        assert.equal(tested.exitCode, 0, tested.output);
        assert.match(tested.output, /1 passed/);
        const attack = await checked.exec(
          shell(
            'echo "pub fn answer() -> i32 { 0 }" > "$CARGO_HOME/vendor/dep/src/lib.rs" && echo x > "$CARGO_HOME/config.toml" && echo WROTE',
          ),
        );
        assert.match(attack.output, /WROTE/);
      } finally {
        await sandbox.dispose();
      }
      assert.equal(await releaseOfflineCaches(worktree, dataDir), 1);
      assert.deepEqual(fingerprint(home), before, "the cache is as setup left it");
    } finally {
      await releaseOfflineCaches(worktree, dataDir);
      rmSync(worktree, { recursive: true, force: true });
      rmSync(`${worktree}.layers`, { recursive: true, force: true });
    }
  });

  for (const space of ["run", "command"] as const) {
    test(`bwrap, ${space} space: go test finds the dependency offline; the agent's writes never reach the cache`, async () => {
      const worktree = tempDirectory("offline-worktree");
      try {
        const depDir = prepare(worktree);
        execFileSync("git", ["init", "--quiet"], { cwd: worktree, timeout: 10_000 });
        const before = fingerprint(cacheDirectory(dataDir, "go", repo));
        const offline = await mountOfflineCaches({ dataDir, repo, worktree });
        assert.deepEqual(offline.ecosystems, ["go"], offline.notes.join("; "));
        // git status (the agent's, the fast checks' changed files) lists none of the cache's files.
        const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], {
          cwd: worktree,
          encoding: "utf8",
          timeout: 30_000,
        });
        assert.doesNotMatch(status, /slipway-deps/);
        assert.equal(offline.env.GOPROXY, "off");
        const sandbox = askingFor(await createBwrapBackend().create(contractOptions(worktree)), space);
        try {
          const checked = withOfflineEnv(sandbox, offline.env);
          const tested = await checked.exec(shell("go test ./...", { timeoutMs: 180_000 }));
          assert.equal(tested.exitCode, 0, tested.output);
          assert.match(tested.output, /ok\s+example\.com\/app/);
          // The agent rewrites the dependency's source and plants a module in the cache.
          const inside = path.join(worktree, offlineFolder, "go/mod", dep);
          const attack = await checked.exec(
            shell(
              `chmod -R u+w "${inside}" && printf 'package dep\\nfunc Answer() int { return 0 }\\n' > "${inside}/dep.go" && mkdir -p "$GOMODCACHE/evil" && echo planted > "$GOMODCACHE/evil/x" && echo WROTE`,
            ),
          );
          assert.match(
            attack.output,
            /WROTE/,
            "the overlay takes the agent's writes (in its private upper layer)",
          );
        } finally {
          await sandbox.dispose();
        }
        assert.equal(await releaseOfflineCaches(worktree, dataDir), 1);
        assert.equal(existsSync(path.join(worktree, offlineFolder)), false, "nothing is left to commit");
        assert.deepEqual(fingerprint(cacheDirectory(dataDir, "go", repo)), before);
        assert.equal(readFileSync(path.join(depDir, "dep.go"), "utf8"), depSource);
      } finally {
        await releaseOfflineCaches(worktree, dataDir);
        rmSync(worktree, { recursive: true, force: true });
        rmSync(`${worktree}.layers`, { recursive: true, force: true });
      }
    });
  }
  test("docker: the container binds the overlays; go test finds the dependency; the cache and the host worktree stay clean", {
    skip: dockerSkip,
  }, async () => {
    const worktree = tempDirectory("offline-docker");
    try {
      const depDir = prepare(worktree);
      // Writable by anyone, so only the overlay stands between the agent and the shared cache.
      chmodSync(path.join(depDir, "dep.go"), 0o666);
      const before = fingerprint(cacheDirectory(dataDir, "go", repo));
      const offline = await mountOfflineCaches({ dataDir, repo, worktree, outside: true });
      assert.deepEqual(offline.ecosystems, ["go"], offline.notes.join("; "));
      assert.deepEqual(
        offline.binds.map((bind) => bind.name),
        ["go"],
      );
      // On the host the worktree holds an empty directory only: no chown -R, no commit reaches a cache.
      assert.deepEqual(readdirSync(path.join(worktree, offlineFolder, "go")), []);
      const backend = dockerSandboxBackend({ image: testImage, hostToolchainMounts: true });
      const sandbox = await backend.create({ ...contractOptions(worktree), cacheBinds: offline.binds });
      try {
        const checked = withOfflineEnv(sandbox, offline.env);
        const tested = await checked.exec(shell("go test ./...", { timeoutMs: 180_000 }));
        assert.equal(tested.exitCode, 0, tested.output);
        assert.match(tested.output, /ok\s+example\.com\/app/);
        const inside = path.join(worktree, offlineFolder, "go/mod", dep);
        const attack = await checked.exec(
          shell(
            `printf 'package dep\\nfunc Answer() int { return 0 }\\n' > "${inside}/dep.go" && cat "${inside}/dep.go" && echo WROTE`,
          ),
        );
        assert.match(
          attack.output,
          /return 0 }\nWROTE/,
          "the overlay takes the agent's write (its private upper)",
        );
        assert.deepEqual(
          readdirSync(path.join(worktree, offlineFolder, "go")),
          [],
          "nothing on the host side",
        );
      } finally {
        await sandbox.dispose();
      }
      assert.equal(await releaseOfflineCaches(worktree, dataDir), 1);
      assert.equal(existsSync(path.join(worktree, offlineFolder)), false, "nothing is left to commit");
      assert.deepEqual(fingerprint(cacheDirectory(dataDir, "go", repo)), before);
      assert.equal(readFileSync(path.join(depDir, "dep.go"), "utf8"), depSource);
    } finally {
      await releaseOfflineCaches(worktree, dataDir);
      chmodSync(path.join(cacheDirectory(dataDir, "go", repo), "mod", dep, "dep.go"), 0o444);
      rmSync(worktree, { recursive: true, force: true });
      rmSync(`${worktree}.layers`, { recursive: true, force: true });
    }
  });
});
