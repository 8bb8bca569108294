// End to end on bwrap and docker: a Go repository whose dependency setup downloaded (the repository's download
// cache filled by the host's `go mod download` from a file:// proxy, as an earlier setup would have:
// this machine reaches no Go proxy). The scripted agent fixes a bug; the gate's `go test`, with no
// network, finds the dependency through the offline overlay, and nothing of the cache is committed.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import { cacheDirectory } from "../src/setup/caches/download-caches.ts";
import { dependencyMountsUnder, overlayProblem } from "../src/setup/snapshots/dependency-mounts.ts";
import { runCli } from "./helpers/cli.ts";
import { git, tempDir, writeFiles } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

function goMissing(): string | undefined {
  try {
    execFileSync("go", ["version"], { stdio: "pipe", timeout: 10_000 });
    return undefined;
  } catch {
    return "go is not installed here";
  }
}
const skip = overlayProblem() ?? goMissing() ?? false;
if (skip) console.log(`# skipping the offline Go gate run: ${skip}`);
const dockerReason = skip ? undefined : await dockerTestSkipReason();
const dockerSkip = skip || (dockerReason ? `no Docker engine here: ${dockerReason}` : false);
if (dockerSkip && !skip) console.log(`# skipping the offline Go gate run on docker: ${dockerSkip}`);

const dep = "example.com/dep@v1.0.0";
const script: ModelScript = {
  turns: [
    {
      toolCalls: [
        {
          name: "edit_file",
          input: { path: "answer.go", oldText: "return dep.Answer() + 1", newText: "return dep.Answer()" },
        },
      ],
    },
    { toolCalls: [{ name: "finish", input: { summary: "Answer returns the dependency's answer." } }] },
  ],
};

/** A file:// proxy with example.com/dep v1.0.0 (zip by python's zipfile). */
function writeProxy(proxy: string): void {
  const dir = path.join(proxy, "example.com/dep/@v");
  mkdirSync(dir, { recursive: true });
  const mod = "module example.com/dep\n\ngo 1.19\n";
  writeFiles(dir, {
    list: "v1.0.0\n",
    "v1.0.0.mod": mod,
    "v1.0.0.info": '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}',
  });
  const zip = `import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],"w")\nz.writestr("${dep}/go.mod",sys.argv[2])\nz.writestr("${dep}/dep.go",sys.argv[3])\nz.close()\n`;
  const source = "package dep\n\nfunc Answer() int { return 42 }\n";
  execFileSync("python3", ["-c", zip, path.join(dir, "v1.0.0.zip"), mod, source], { timeout: 10_000 });
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

// The two backends at once: each run has its own repository, data directory and model server.
describe("the offline Go gate", { concurrency: true }, () => {
  for (const backend of ["bwrap", "docker"] as const)
    test(`${backend}: the gate's go test finds setup's download offline; nothing of the cache is committed`, {
      skip: backend === "docker" ? dockerSkip : skip,
    }, async () => {
      const docker =
        backend === "docker" ? { sandbox: { dockerImage: testImage, dockerHostToolchain: true } } : {};
      const setup = await setUpScriptedRun(script, "anthropic", docker);
      if (backend === "docker") setup.env.SLIPWAY_SANDBOX = "docker";
      cleanups.push(() => setup.server.close());
      const repo = tempDir("offline-go-repo");
      writeFiles(repo, {
        "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/dep v1.0.0\n",
        "answer.go":
          'package app\n\nimport "example.com/dep"\n\nfunc Answer() int {\n\treturn dep.Answer() + 1\n}\n',
        "answer_test.go":
          'package app\n\nimport "testing"\n\nfunc TestAnswer(t *testing.T) {\n\tif Answer() != 42 {\n\t\tt.Fatal("wrong answer")\n\t}\n}\n',
      });
      const proxy = tempDir("offline-go-proxy");
      writeProxy(proxy);
      git(repo, "init", "--quiet", "--initial-branch=main");
      const toplevel = git(repo, "rev-parse", "--show-toplevel").trim();
      const goEnv = {
        ...process.env,
        GOPROXY: `file://${proxy}`,
        GOSUMDB: "off",
        GOFLAGS: "-mod=mod",
        GOMODCACHE: path.join(cacheDirectory(setup.dataDir, "go", toplevel), "mod"),
        GOCACHE: path.join(proxy, "go-build"),
      };
      for (const args of [
        ["mod", "tidy"],
        ["mod", "download"],
      ])
        execFileSync("go", args, { cwd: repo, timeout: 120_000, env: goEnv, stdio: "pipe" });
      git(repo, "add", "-A");
      git(repo, "commit", "--quiet", "-m", "app");

      const result = await runCli(
        [...baseArgs(setup), "run", "--repo", repo, "--task", "Answer must be 42", "--json"],
        { env: setup.env, timeoutMs: 300_000 },
      );
      const report = JSON.parse(result.stdout || "{}");
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.equal(report.outcome, "success", report.detail);
      const files = git(repo, "ls-tree", "-r", "--name-only", report.branch).split("\n").filter(Boolean);
      assert.deepEqual(files.sort(), ["answer.go", "answer_test.go", "go.mod", "go.sum"]);
      assert.deepEqual(dependencyMountsUnder(setup.dataDir), [], "no overlay outlives the run");
    });
});
