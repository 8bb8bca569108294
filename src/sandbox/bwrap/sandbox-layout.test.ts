// The bwrap mount layout as data: what is mounted, from where, and which toolchains get a mount.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { tempDirectory } from "../sandbox.contract.ts";
import { bwrapArguments } from "./bwrap-arguments.ts";
import { candidateParents } from "./pids-cgroup.ts";
import { etcSteps, syntheticEtcFiles } from "./sandbox-etc.ts";
import { sandboxLayout } from "./sandbox-layout.ts";
import { installationRoot, toolchainMounts } from "./toolchain-mounts.ts";

function executable(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "#!/bin/sh\n");
  chmodSync(file, 0o755);
}

describe("sandbox layout", () => {
  const scratch = tempDirectory("bwrap-layout");
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("/etc holds synthesized identity files and an allowlist, never the host's whole /etc or its secrets", () => {
    const steps = etcSteps("/scratch/etc");
    const sources = steps.flatMap((step) => (step.kind === "ro-bind" ? [step.source] : []));
    assert.ok(!sources.includes("/etc"), "binds the whole /etc");
    for (const secret of ["shadow", "gshadow", "sudoers", "ssl/private", "npmrc", "gitconfig"]) {
      assert.ok(!sources.includes(`/etc/${secret}`), `binds /etc/${secret}`);
    }
    assert.ok(sources.includes("/scratch/etc/passwd"));
    assert.match(syntheticEtcFiles().passwd ?? "", /^sandbox:x:1000:1000:.*:\/home\/sandbox:/m);
  });

  test("the worktree is the only writable host mount, at its own path, and the root ends read-only", () => {
    const steps = sandboxLayout({
      worktree: "/data/worktrees/run-1",
      syntheticEtcDir: "/scratch/etc",
      toolchainDirectories: ["/opt/node24"],
      tmpfsBytes: 1024,
    });
    const writable = steps.filter((step) => step.kind === "bind");
    const worktree = "/data/worktrees/run-1";
    assert.deepEqual(writable, [{ kind: "bind", source: worktree, target: worktree }]);
    // Nothing of its parents is bound: bwrap makes them as empty directories of the sandbox's root.
    assert.ok(!steps.some((step) => "source" in step && worktree.startsWith(`${step.source}/`)));
    assert.deepEqual(steps.at(-1), { kind: "remount-ro", path: "/" });
    assert.ok(steps.some((step) => step.kind === "ro-bind" && step.source === "/opt/node24"));
  });

  test("a worktree whose own path would cover the sandbox's mounts or lie in its private ones is refused", () => {
    const layout = (worktree: string) => () =>
      sandboxLayout({
        worktree,
        syntheticEtcDir: "/scratch/etc",
        toolchainDirectories: [],
        tmpfsBytes: 1024,
      });
    for (const worktree of [
      "/",
      "/home",
      "/usr",
      "/tmp",
      "/etc/x",
      "/proc/1/root",
      "/home/sandbox/w",
      "/run/w",
    ])
      assert.throws(layout(worktree), /cannot be mounted at its own path/, worktree);
    for (const worktree of ["/tmp/w", "/srv/w", "/home/alice/.slipway/worktrees/run-1"])
      assert.doesNotThrow(layout(worktree), worktree);
  });

  test("with allowed hosts the egress socket directory is mounted read-only, and only then", () => {
    const input = {
      worktree: "/data/worktrees/run-1",
      syntheticEtcDir: "/scratch/etc",
      toolchainDirectories: [],
      tmpfsBytes: 1024,
    };
    const egress = sandboxLayout({ ...input, egressSocketDirectory: "/tmp/slipway-egress-x/socket" });
    assert.ok(
      egress.some(
        (step) =>
          step.kind === "ro-bind" &&
          step.source === "/tmp/slipway-egress-x/socket" &&
          step.target === "/run/slipway-egress",
      ),
    );
    assert.deepEqual(egress.at(-1), { kind: "remount-ro", path: "/" });
    assert.equal(egress.filter((step) => step.kind === "bind").length, 1);
    const none = sandboxLayout(input);
    assert.ok(!none.some((step) => "target" in step && step.target === "/run/slipway-egress"));
  });

  test("the argv isolates every namespace, clears the environment and applies the limits inside", () => {
    const args = bwrapArguments({
      steps: [],
      env: { HOME: "/home/sandbox" },
      cwd: "/data/worktrees/run-1",
      limits: { prlimitPath: "/usr/bin/prlimit", memoryMb: 512, maxProcesses: 32, maxFileMb: 64 },
      argv: ["npm", "test"],
    });
    for (const flag of [
      "--unshare-all",
      "--unshare-user",
      "--die-with-parent",
      "--new-session",
      "--clearenv",
    ]) {
      assert.ok(args.includes(flag), `missing ${flag}`);
    }
    assert.deepEqual(args.slice(args.indexOf("--cap-drop"), args.indexOf("--cap-drop") + 2), [
      "--cap-drop",
      "ALL",
    ]);
    assert.deepEqual(args.slice(args.indexOf("--")), [
      "--",
      "/usr/bin/prlimit",
      `--data=${512 * 1024 * 1024}`,
      "--nproc=32",
      `--fsize=${64 * 1024 * 1024}`,
      "--core=0",
      "--",
      "npm",
      "test",
    ]);
  });

  test("a toolchain's mount is the directory holding its PATH entry and its real file", () => {
    assert.equal(
      installationRoot("/opt/node24/node_modules/.bin/node", "/opt/node24/node_modules/node/bin/node"),
      "/opt/node24/node_modules",
    );
    assert.equal(installationRoot("/srv/nvm/v24/bin/node", "/srv/nvm/v24/bin/node"), "/srv/nvm/v24");
  });

  test("toolchains are found on PATH, system ones need no mount, and unsafe roots are refused", () => {
    executable(path.join(scratch, "opt", "tool", "lib", "tool", "bin", "tool"));
    mkdirSync(path.join(scratch, "opt", "tool", "bin"));
    symlinkSync("../lib/tool/bin/tool", path.join(scratch, "opt", "tool", "bin", "tool"));
    executable(path.join(scratch, "home", "user", "bin", "homely"));
    const searchPath = [
      path.join(scratch, "opt", "tool", "bin"),
      path.join(scratch, "home", "user", "bin"),
      "/usr/bin",
    ].join(":");
    const mounts = toolchainMounts(["tool", "sh", "homely", "absent"], {
      searchPath,
      protectedPaths: { roots: [path.join(scratch, "home", "user")], secrets: [] },
    });
    assert.deepEqual(mounts.directories, [path.join(scratch, "opt", "tool")]);
    assert.deepEqual(
      mounts.skipped.map((skipped) => skipped.name),
      ["homely", "absent"],
    );
  });

  test("pids cgroup parents come from the v1 pids line of /proc/self/cgroup", () => {
    const selfCgroup = "9:name=systemd:/\n8:pids:/jobs/one\n4:memory:/x\n0::/\n";
    assert.deepEqual(candidateParents(selfCgroup, path.join(scratch, "no-cgroupfs")), [
      path.join(scratch, "no-cgroupfs", "pids", "jobs", "one"),
    ]);
  });
});
