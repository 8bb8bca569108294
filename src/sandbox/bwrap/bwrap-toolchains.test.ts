// The host's version-managed toolchains inside a real bwrap sandbox: rustup's cargo and rustc and
// pyenv's python3 run from read-only mounts, while the rest of ~/.cargo stays out of sight.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { after, afterEach, beforeEach, describe, test } from "node:test";
import { protectedHostPaths } from "../mount-safety.ts";
import { contractOptions, shell, tempDirectory } from "../sandbox.contract.ts";
import { type BwrapSandbox, bwrapSandboxBackend, createBwrapSandbox } from "./bwrap-sandbox.ts";
import { type FoundToolchain, toolchainMounts } from "./toolchain-mounts.ts";

const availability = await bwrapSandboxBackend.availability();
const bwrapSkip = availability.available ? false : `bwrap is unavailable here: ${availability.reason}`;

function hostToolchain(name: string): FoundToolchain | undefined {
  return toolchainMounts([name], {
    searchPath: process.env.PATH ?? "",
    protectedPaths: protectedHostPaths([homedir()]),
    host: { home: homedir(), env: process.env },
  }).found[0];
}

function skipUnlessManaged(name: string, manager: FoundToolchain["manager"]): string | false {
  if (bwrapSkip) return bwrapSkip;
  const found = hostToolchain(name);
  return found?.manager === manager
    ? false
    : `${name} on PATH here is not ${manager}'s (${found?.program ?? "none"})`;
}

const rustupSkip = skipUnlessManaged("cargo", "rustup");
const pyenvSkip = skipUnlessManaged("python3", "pyenv");
for (const reason of new Set([rustupSkip, pyenvSkip])) if (reason) console.log(`# skipping: ${reason}`);

/** What `argv` prints on the host, for comparing with the sandbox. */
function onHost(argv: [string, ...string[]]): string {
  const result = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 30_000 });
  return result.status === 0 ? result.stdout : "";
}

describe("bwrap sandbox: toolchains of version managers in the host's home", () => {
  const cargoHome = path.join(homedir(), ".cargo");
  const canary = path.join(cargoHome, `slipway-test-${randomBytes(6).toString("hex")}.toml`);
  const token = `cio-${randomBytes(12).toString("hex")}`;
  let worktree = "";
  let sandbox: BwrapSandbox | undefined;
  const open = (): BwrapSandbox => {
    assert.ok(sandbox, "the sandbox was created in beforeEach");
    return sandbox;
  };

  beforeEach(async () => {
    if (rustupSkip && pyenvSkip) return;
    worktree = tempDirectory("bwrap-toolchains");
    sandbox = await createBwrapSandbox(contractOptions(worktree));
  });

  afterEach(async () => {
    await sandbox?.dispose();
    sandbox = undefined;
    if (worktree) rmSync(worktree, { recursive: true, force: true });
  });
  after(() => rmSync(canary, { force: true }));

  test("cargo and rustc run through rustup's proxies, with the host's rustup home read-only", {
    skip: rustupSkip,
  }, async () => {
    const result = await open().exec(shell('cargo --version && rustc --version && echo "$RUSTUP_HOME"'));
    assert.equal(result.exitCode, 0, result.output);
    const expected = `${onHost(["cargo", "--version"])}${onHost(["rustc", "--version"])}`;
    assert.ok(result.stdout.startsWith(expected), `${result.stdout} does not start with ${expected}`);
    assert.match(result.stdout, /^cargo \d+\.\d+\.\d+ /);
    const write = await open().exec(shell('touch "$RUSTUP_HOME/slipway-wall"'));
    assert.notEqual(write.exitCode, 0, "wrote into the host's rustup home");
  });

  test("cargo builds a crate offline: its caches go to the sandbox's own $HOME", {
    skip: rustupSkip,
  }, async () => {
    const script =
      "cargo new --vcs none -q demo && cd demo && cargo build --offline -q && ./target/debug/demo";
    const result = await open().exec(shell(script, { timeoutMs: 120_000 }));
    assert.equal(result.exitCode, 0, result.output);
    assert.equal(result.stdout, "Hello, world!\n");
  });

  test("shows ~/.cargo/bin but nothing else of the host's ~/.cargo", { skip: rustupSkip }, async () => {
    writeFileSync(canary, `[registry]\ntoken = "${token}"\n`, { mode: 0o600 });
    const script = `ls -A "${cargoHome}"; cat "${canary}" "${cargoHome}/credentials.toml" "${cargoHome}/credentials"; [ -x "${cargoHome}/bin/cargo" ] && echo cargo-is-there`;
    const result = await open().exec(shell(script));
    assert.equal(result.stdout, "bin\ncargo-is-there\n", result.output);
    assert.ok(!result.output.includes(token), "the planted token was read inside");
  });

  test("python3 runs through pyenv's shims, pytest included when the host's has it", {
    skip: pyenvSkip,
  }, async () => {
    const version = ["python3", "-c", "import sys;print(sys.version)"] as const;
    const result = await open().exec({ ...shell(""), command: version[0], args: version.slice(1) });
    assert.equal(result.exitCode, 0, result.output);
    assert.equal(result.stdout, onHost([...version]));
    const pytest = onHost(["python3", "-m", "pytest", "--version"]);
    if (pytest === "") return;
    const inside = await open().exec(shell("python3 -m pytest --version"));
    assert.equal(inside.stdout, pytest, inside.output);
  });
});

describe("bwrap sandbox: the configured data directory", () => {
  test("a read-only mount that holds the data directory is refused, naming both", {
    skip: bwrapSkip,
  }, async () => {
    const root = tempDirectory("bwrap-data-dir");
    const worktree = tempDirectory("bwrap-data-dir-worktree");
    try {
      const dataDir = path.join(root, "slipway-data");
      mkdirSync(dataDir);
      await assert.rejects(
        createBwrapSandbox(contractOptions(worktree), { readOnlyMounts: [root], dataDir }),
        new RegExp(`sandbox\\.readOnlyMounts: ${root} cannot be mounted: it contains ${dataDir}`),
      );
      // Without the data directory named, the same mount is allowed: the refusal above is its doing.
      const sandbox = await createBwrapSandbox(contractOptions(worktree), { readOnlyMounts: [root] });
      await sandbox.dispose();
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(worktree, { recursive: true, force: true });
    }
  });
});
