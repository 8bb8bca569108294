// Security: host-side git runs nothing a user's global config, a planted mirror config or a
// repository names (breaches 7 and 4), and the agent's git tool reads only the run's own history,
// never a local repository's stash or private branches (breach 8). Each attack has a positive
// control: plain git, as a naive platform would run it, springs the same trap.
import assert from "node:assert/strict";
import { rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { noneSandboxBackend } from "../../src/sandbox/none/none-sandbox.ts";
import { gitTool } from "../../src/tools/git.ts";
import { runTool } from "../../src/tools/run-tool.ts";
import type { ToolContext } from "../../src/tools/tool.ts";
import { runGit } from "../../src/workspace/git.ts";
import { ensureMirror } from "../../src/workspace/mirror-cache.ts";
import { changedFiles, commitAll, createWorktree } from "../../src/workspace/worktree.ts";
import { findWorktreeAdminDir } from "../../src/workspace/worktree-admin.ts";
import { git, makeRepo, tempDir, writeFiles } from "../helpers/git-fixture.ts";
import {
  addSignatureHeader,
  hostileHome,
  markersFound,
  plainGit,
  plantMirrorConfig,
} from "./host-git-fixture.ts";

const created: string[] = [];
after(() => {
  for (const directory of created) rmSync(directory, { recursive: true, force: true });
});
const committer = { name: "Slipway", email: "slipway@localhost" };

function directory(prefix: string): string {
  const made = tempDir(prefix);
  created.push(made);
  return made;
}

async function toolContext(mirrorPath: string, worktree: string): Promise<ToolContext> {
  const sandbox = await noneSandboxBackend.create({
    worktree,
    allowHosts: [],
    memoryMb: 512,
    maxProcesses: 64,
  });
  return {
    worktree,
    sandbox,
    mirrorPath,
    commandAllowlist: [],
    commandTimeoutMs: 30_000,
    verify: async () => "",
    signal: AbortSignal.timeout(120_000),
  };
}

const callGit = (context: ToolContext, command: string, args: string[]) =>
  runTool(gitTool, { command, args }, context, { maxOutputChars: 1_000_000 });

/** Run `work` with HOME and XDG_CONFIG_HOME set to `env`'s, as when Slipway runs under that user. */
async function underHome(env: Record<string, string>, work: () => Promise<void>): Promise<void> {
  const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
  Object.assign(process.env, env);
  try {
    await work();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe("host git and the user's global config (breach 7)", () => {
  test("filters, textconv, fsmonitor, hooks and gpg from ~/.gitconfig never run in Slipway's git", async () => {
    const home = directory("home");
    const markers = directory("markers");
    const dataDir = directory("data");
    const source = makeRepo({ ".gitattributes": "*.txt filter=lfs diff=evil\n", "a.txt": "one\n" });
    created.push(source);
    addSignatureHeader(source);
    const env = hostileHome(home, markers);
    const worktree = path.join(dataDir, "worktrees", "run-1");

    await underHome(env, async () => {
      const { mirrorPath } = await ensureMirror(source, dataDir);
      await createWorktree({ mirrorPath, baseRef: "main", branch: "slipway/global", worktreePath: worktree });
      writeFileSync(path.join(worktree, "a.txt"), "two\n");
      assert.deepEqual(await changedFiles(mirrorPath, worktree), ["a.txt"]);
      const context = await toolContext(mirrorPath, worktree);
      assert.match((await callGit(context, "diff", [])).text, /^\+two$/m);
      assert.match((await callGit(context, "log", ["-p", "-n", "1"])).text, /^\+one$/m);
      const signatureFormat = await callGit(context, "log", ["--format=%G? %GS"]);
      assert.match(signatureFormat.text, /^refused: .*signature placeholders/);
      assert.match((await callGit(context, "log", ["--show-signature"])).text, /^refused: /);
      const verified = await runGit(["log", "-1", "--format=%G?"], { gitDir: mirrorPath });
      assert.notEqual(verified.stdout.trim(), "G");
      assert.ok(await commitAll({ mirrorPath, worktreePath: worktree, message: "change", committer }));
      await context.sandbox.dispose();
    });

    assert.deepEqual(markersFound(markers), [], "nothing of ~/.gitconfig ran");
    // The traps are live: plain git under that home runs the filter, the hook and gpg.
    const clone = path.join(dataDir, "plain-clone");
    plainGit(dataDir, ["clone", "--quiet", source, clone], env);
    plainGit(clone, ["log", "-1", "--format=%G?"], env);
    const sprung = markersFound(markers);
    for (const name of ["global-filter", "global-post-checkout", "global-gpg"])
      assert.ok(sprung.includes(name), name);
  });
});

describe("host git and a planted mirror config (breach 4)", () => {
  test("an uploadpack, ssh command, include, fsmonitor or config.worktree planted in the mirror never runs", async () => {
    const markers = directory("markers");
    const dataDir = directory("data");
    const source = makeRepo({ ".gitattributes": "*.txt filter=evil\n", "a.txt": "one\n" });
    created.push(source);
    const { mirrorPath } = await ensureMirror(source, dataDir);
    const run1 = path.join(dataDir, "worktrees", "run-1");
    await createWorktree({ mirrorPath, baseRef: "main", branch: "slipway/planted-1", worktreePath: run1 });
    const adminDir = (await findWorktreeAdminDir(mirrorPath, run1))!;
    const plant = (): void => plantMirrorConfig(mirrorPath, adminDir, source, markers);

    // Positive control: with the plants in place, plain git runs them.
    plant();
    writeFileSync(path.join(run1, "a.txt"), "two\n");
    plainGit(dataDir, ["--git-dir", mirrorPath, "fetch", "origin"]);
    plainGit(run1, ["--git-dir", adminDir, "--work-tree", run1, "add", "-A"]);
    const sprung = markersFound(markers);
    assert.ok(sprung.includes("planted-ssh") || sprung.includes("planted-uploadpack"), sprung.join());
    assert.ok(sprung.includes("planted-worktree-filter"), sprung.join());
    plainGit(run1, ["--git-dir", adminDir, "--work-tree", run1, "reset", "--quiet"]);
    for (const name of markersFound(markers)) rmSync(path.join(markers, name));

    // Every host git use of the mirror, each right after a fresh plant; a failure is noted, not fatal,
    // so that what ran is what the test reports.
    const failures: string[] = [];
    const attempt = async (name: string, work: () => Promise<unknown>): Promise<void> => {
      plant();
      await work().catch((error: Error) => failures.push(`${name}: ${error.message}`));
    };
    const run2 = path.join(dataDir, "worktrees", "run-2");
    await attempt("fetch", () => ensureMirror(source, dataDir));
    await attempt("worktree add", () =>
      createWorktree({ mirrorPath, baseRef: "main", branch: "slipway/planted-2", worktreePath: run2 }),
    );
    await attempt("status", async () => assert.deepEqual(await changedFiles(mirrorPath, run1), ["a.txt"]));
    await attempt("git tool diff", async () => {
      const context = await toolContext(mirrorPath, run1);
      assert.match((await callGit(context, "diff", [])).text, /^\+two$/m);
      await context.sandbox.dispose();
    });
    await attempt("log in the mirror", () => runGit(["log", "-1", "-p"], { gitDir: mirrorPath }));
    await attempt("commit", () =>
      commitAll({ mirrorPath, worktreePath: run1, message: "change", committer }),
    );

    assert.deepEqual(markersFound(markers), [], `nothing planted runs (failures: ${failures.join("; ")})`);
    assert.deepEqual(failures, []);
    assert.equal(git(run2, "show", "HEAD:a.txt"), "one");
  });

  test("a worktree admin dir whose commondir points at another repository, or is gone, is refused", async () => {
    const dataDir = directory("data");
    const source = makeRepo({ "a.txt": "one\n" });
    created.push(source);
    const { mirrorPath } = await ensureMirror(source, dataDir);
    const run = path.join(dataDir, "worktrees", "run-1");
    await createWorktree({ mirrorPath, baseRef: "main", branch: "slipway/common", worktreePath: run });
    const adminDir = (await findWorktreeAdminDir(mirrorPath, run))!;
    writeFileSync(path.join(adminDir, "commondir"), `${path.join(source, ".git")}\n`);
    await assert.rejects(
      changedFiles(mirrorPath, run),
      /changed by something other than Slipway \(commondir\)/,
    );
    // Without a commondir, git would read the admin dir's own config: refused as well.
    rmSync(path.join(adminDir, "commondir"));
    writeFileSync(path.join(adminDir, "config"), "[core]\n\tfsmonitor = /tmp/planted\n");
    await assert.rejects(
      changedFiles(mirrorPath, run),
      /changed by something other than Slipway \(commondir\)/,
    );
  });

  test("mirrors live in directories only their owner can enter", async () => {
    const dataDir = directory("data");
    const source = makeRepo({ "a.txt": "one\n" });
    created.push(source);
    const { mirrorPath } = await ensureMirror(source, dataDir);
    assert.equal(statSync(mirrorPath).mode & 0o777, 0o700);
    assert.equal(statSync(path.dirname(mirrorPath)).mode & 0o777, 0o700);
  });
});

describe("a local repository's private refs (breach 8)", () => {
  test("the git tool shows neither a stashed secret nor a private branch", async () => {
    const dataDir = directory("data");
    const source = makeRepo({ "a.txt": "one\n" });
    created.push(source);
    const stashed = "stashed-canary-5f1e";
    const branchSecret = "branch-canary-9c2d";
    git(source, "checkout", "--quiet", "-b", "private");
    writeFiles(source, { "secret.txt": `${branchSecret}\n` });
    git(source, "add", "secret.txt");
    git(source, "commit", "--quiet", "-m", "private work");
    const privateCommit = git(source, "rev-parse", "HEAD");
    git(source, "checkout", "--quiet", "main");
    writeFiles(source, { ".env": `TOKEN=${stashed}\n` });
    git(source, "add", ".env");
    git(source, "stash", "--quiet");
    const stashCommit = git(source, "rev-parse", "refs/stash");
    assert.match(git(source, "stash", "show", "-p"), new RegExp(stashed), "the canary is in the stash");

    const { mirrorPath } = await ensureMirror(source, dataDir);
    const worktree = path.join(dataDir, "worktrees", "run-1");
    await createWorktree({ mirrorPath, baseRef: "main", branch: "slipway/refs", worktreePath: worktree });
    const context = await toolContext(mirrorPath, worktree);

    assert.doesNotMatch(git(mirrorPath, "for-each-ref"), /stash/);
    assert.match(
      plainGit(mirrorPath, ["cat-file", "-t", stashCommit]),
      /could not get object info|Not a valid object/,
    );
    // Control: the private branch is in the mirror; only the tool's check keeps it from the agent.
    assert.match(git(mirrorPath, "show", "private:secret.txt"), new RegExp(branchSecret));
    const attempts: Array<[string, string[]]> = [
      ["show", ["stash"]],
      ["show", ["stash@{0}"]],
      ["show", ["refs/stash"]],
      ["show", [stashCommit]],
      ["show", ["private"]],
      ["show", ["private:secret.txt"]],
      ["show", [privateCommit]],
      ["show", [privateCommit.slice(0, 8)]],
      ["log", ["--all", "-p"]],
      ["log", ["--branches", "-p"]],
      ["log", ["-p", "private"]],
      ["log", ["-p", "HEAD..private"]],
      ["log", ["-p", ":/private work"]],
      ["diff", ["HEAD", "private"]],
      ["diff", ["HEAD...private"]],
      ["show", ["HEAD@{1}"]],
      ["show", ["refs/heads/private"]],
    ];
    for (const [command, args] of attempts) {
      const result = await callGit(context, command, args);
      const shown = `${command} ${args.join(" ")}`;
      assert.equal(result.isError, true, `${shown}: ${result.text}`);
      assert.doesNotMatch(result.text, new RegExp(`${stashed}|${branchSecret}`), shown);
    }
    // The run's own history stays readable, by any name.
    assert.equal((await callGit(context, "show", ["main:a.txt"])).text, "$ git show main:a.txt\none");
    assert.match((await callGit(context, "log", ["--oneline", "HEAD~0"])).text, /initial$/);
    await context.sandbox.dispose();
  });
});
