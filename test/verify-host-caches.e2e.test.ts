// `slipway verify --repo` sees the user's dependency caches, read-only and without their
// credentials. Real pieces: a home whose Go module cache the host's `go mod download` filled from a
// file:// module proxy (no Go proxy is reachable here), with a Maven settings.xml, a Cargo
// credentials file and a .netrc holding a canary beside the caches; a Go module verified by the real
// CLI in bwrap with HOME pointing at that home. Its test finds the dependency, walks everything the
// checks were shown looking for the canary, and writes into the shown Maven repository.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { createBwrapBackend } from "../src/sandbox/bwrap/bwrap-sandbox.ts";
import { sandboxBackends } from "../src/sandbox/registry.ts";
import { contractOptions, shell } from "../src/sandbox/sandbox.contract.ts";
import { mountPointsUnder, overlayProblem } from "../src/setup/snapshots/dependency-mounts.ts";
import { hostCachesFolder, mountHostCaches } from "../src/verify/host-caches.ts";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { git, tempDir, writeFiles } from "./helpers/git-fixture.ts";

function goMissing(): string | undefined {
  try {
    execFileSync("go", ["version"], { stdio: "pipe", timeout: 10_000 });
    return undefined;
  } catch {
    return "go is not installed here";
  }
}

const scratch = tempDir("host-caches");
after(() => rmSync(scratch, { recursive: true, force: true }));
const canary = "CANARY-7f3a-credentials";
const dep = "example.com/dep@v1.0.0";

/** A file:// module proxy serving example.com/dep v1.0.0 (the zip written by python's zipfile). */
function writeProxy(proxy: string): void {
  const dir = path.join(proxy, "example.com/dep/@v");
  mkdirSync(dir, { recursive: true });
  const mod = "module example.com/dep\n\ngo 1.19\n";
  writeFiles(dir, {
    list: "v1.0.0\n",
    "v1.0.0.mod": mod,
    "v1.0.0.info": '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}',
  });
  const source = "package dep\n\nfunc Answer() int { return 42 }\n";
  const zip = `import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],"w")\nz.writestr("${dep}/go.mod",sys.argv[2])\nz.writestr("${dep}/dep.go",sys.argv[3])\nz.close()\n`;
  execFileSync("python3", ["-c", zip, path.join(dir, "v1.0.0.zip"), mod, source], { timeout: 10_000 });
}

// The module's test: the dependency answers, nothing shown holds the canary, the Maven repository is
// shown (the walk saw its file), and a write there stays in the overlay.
const appTest = `package app

import (
\t"os"
\t"path/filepath"
\t"strings"
\t"testing"

\t"example.com/dep"
)

func TestAnswer(t *testing.T) {
\tif dep.Answer() != 42 {
\t\tt.Fatal("wrong answer")
\t}
}

func TestShown(t *testing.T) {
\tshown := filepath.Dir(os.Getenv("GOMODCACHE"))
\tsawMaven := false
\terr := filepath.Walk(shown, func(p string, info os.FileInfo, err error) error {
\t\tif err != nil || info.IsDir() {
\t\t\treturn err
\t\t}
\t\tif strings.HasSuffix(p, "m2-repository/org/x/x.pom") {
\t\t\tsawMaven = true
\t\t}
\t\tdata, _ := os.ReadFile(p)
\t\tif strings.Contains(string(data), "CANARY-7f3a") {
\t\t\tt.Fatalf("credentials shown at %s", p)
\t\t}
\t\treturn nil
\t})
\tif err != nil || !sawMaven {
\t\tt.Fatalf("walk of %s: %v, maven shown: %v", shown, err, sawMaven)
\t}
\tif err := os.WriteFile(filepath.Join(shown, "m2-repository", "poison"), []byte("x"), 0o644); err != nil {
\t\tt.Fatal(err)
\t}
}
`;

/** The user's home: a filled Go module cache, a Maven repository, and credentials beside them. */
function prepareHome(home: string, worktree: string): void {
  const proxy = path.join(scratch, "proxy");
  writeProxy(proxy);
  writeFiles(home, {
    ".m2/settings.xml": `<settings><servers><server><password>${canary}</password></server></servers></settings>\n`,
    ".m2/repository/org/x/x.pom": "<project/>\n",
    ".cargo/credentials.toml": `[registry]\ntoken = "${canary}"\n`,
    ".cargo/registry/index/.keep": "",
    ".gradle/gradle.properties": `token=${canary}\n`,
    ".gradle/caches/.keep": "",
    ".netrc": `machine example.com password ${canary}\n`,
  });
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    GOCACHE: path.join(scratch, "gocache"),
    GOMODCACHE: path.join(home, "go/pkg/mod"),
    GOPROXY: `file://${proxy}`,
    GOSUMDB: "off",
    GOFLAGS: "-mod=mod",
  };
  execFileSync("go", ["mod", "download"], { cwd: worktree, env, stdio: "pipe", timeout: 120_000 });
  execFileSync("go", ["mod", "tidy"], { cwd: worktree, env, stdio: "pipe", timeout: 120_000 });
}

test("verify --repo: the user's Go module cache is shown read-only, their credentials are not", async (t) => {
  const bwrap = await sandboxBackends.get("bwrap")?.availability();
  const skip =
    overlayProblem() ??
    goMissing() ??
    (bwrap?.available ? undefined : `bwrap: ${bwrap?.reason ?? "missing"}`);
  if (skip) {
    t.skip(`needs overlays, go and bwrap: ${skip}`);
    return;
  }
  const home = path.join(scratch, "home");
  const worktree = path.join(scratch, "app");
  mkdirSync(worktree, { recursive: true });
  writeFiles(worktree, {
    "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/dep v1.0.0\n",
    "app_test.go": appTest,
  });
  prepareHome(home, worktree);
  git(worktree, "init", "-q");
  git(worktree, "add", ".");
  git(worktree, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app");
  const env = cliEnv({ HOME: home, GOMODCACHE: "", GOPATH: "", GOFLAGS: "", GOPROXY: "" });
  const data = path.join(scratch, "data");
  const result = await runCli(["--data-dir", data, "verify", "--repo", worktree, "--sandbox", "bwrap"], {
    env,
    timeoutMs: 240_000,
  });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /shown read-only to the checks: .*go\/pkg\/mod/);
  assert.match(result.stdout, /\.m2\/repository/);
  assert.doesNotMatch(result.stdout, /settings\.xml|credentials\.toml|\.netrc|gradle\.properties/);
  // The write went to the overlay's private layer, and nothing is left in the directory.
  assert.equal(existsSync(path.join(home, ".m2/repository/poison")), false);
  assert.equal(existsSync(path.join(worktree, hostCachesFolder)), false);
  assert.deepEqual(mountPointsUnder(worktree), []);
  assert.equal(git(worktree, "status", "--porcelain").trim(), "");
});

test("bwrap: Debian's Maven starts (its m2.conf is there), the global settings.xml is not", async (t) => {
  const bwrap = await sandboxBackends.get("bwrap")?.availability();
  const mvnMissing = existsSync("/usr/share/maven/bin/m2.conf")
    ? undefined
    : "Debian's maven is not installed";
  const skip = mvnMissing ?? (bwrap?.available ? undefined : `bwrap: ${bwrap?.reason ?? "missing"}`);
  if (skip) {
    t.skip(`needs Debian's maven and bwrap: ${skip}`);
    return;
  }
  const worktree = path.join(scratch, "maven");
  mkdirSync(worktree, { recursive: true });
  const sandbox = await createBwrapBackend().create(contractOptions(worktree));
  try {
    const version = await sandbox.exec(shell("mvn -v", { timeoutMs: 60_000 }));
    assert.equal(version.exitCode, 0, version.output);
    assert.match(version.output, /Apache Maven/);
    const settings = await sandbox.exec(
      shell("test -e /etc/maven/settings.xml && echo present || echo absent"),
    );
    assert.equal(settings.stdout.trim(), "absent");
  } finally {
    await sandbox.dispose();
  }
});

test("a directory whose .slipway-deps is a link gets no caches, and nothing is mounted through the link", async (t) => {
  const problem = overlayProblem();
  if (problem) {
    t.skip(`needs overlays: ${problem}`);
    return;
  }
  const home = path.join(scratch, "link-home");
  const directory = path.join(scratch, "link-repo");
  const elsewhere = path.join(scratch, "elsewhere");
  writeFiles(home, { ".m2/repository/org/x/x.pom": "<project/>\n" });
  mkdirSync(elsewhere, { recursive: true });
  mkdirSync(directory, { recursive: true });
  symlinkSync(elsewhere, path.join(directory, hostCachesFolder));
  const caches = await mountHostCaches(directory, { home, env: {} });
  await caches.release();
  assert.deepEqual(caches.env, {});
  assert.match(caches.notes.join("\n"), /not shown to the checks: the directory has \.slipway-deps/);
  assert.deepEqual(readdirSync(elsewhere), []);
  assert.deepEqual(mountPointsUnder(elsewhere), []);
});

test("a check that renames .slipway-deps and links a host directory there cannot make the release unmount it", async (t) => {
  const problem = overlayProblem();
  if (problem) {
    t.skip(`needs overlays: ${problem}`);
    return;
  }
  const home = path.join(scratch, "moved-home");
  const directory = path.join(scratch, "moved-repo");
  const victim = path.join(scratch, "victim");
  writeFiles(home, { ".m2/repository/org/x/x.pom": "<project/>\n" });
  writeFiles(victim, { "mnt/.keep": "" });
  mkdirSync(directory, { recursive: true });
  // A host mount that is not the verification's: the release must leave it.
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "victim", path.join(victim, "mnt")], {
    timeout: 10_000,
  });
  try {
    const caches = await mountHostCaches(directory, { home, env: {} });
    assert.equal(mountPointsUnder(path.join(directory, hostCachesFolder)).length, 1);
    // What a hostile check could do in the sandbox before it ends.
    renameSync(path.join(directory, hostCachesFolder), path.join(directory, "moved"));
    symlinkSync(victim, path.join(directory, hostCachesFolder));
    await caches.release();
    assert.deepEqual(mountPointsUnder(path.join(victim, "mnt")), [path.join(victim, "mnt")]);
    assert.deepEqual(mountPointsUnder(path.join(directory, "moved")), []);
    assert.equal(existsSync(path.join(home, ".m2/repository/org/x/x.pom")), true);
  } finally {
    execFileSync("umount", [path.join(victim, "mnt")], { timeout: 10_000 });
  }
});
