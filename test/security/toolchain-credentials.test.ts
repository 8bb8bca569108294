// Security R20: a toolchain's installation mounted whole shows the credentials kept beside it. A
// CARGO_HOME outside $HOME (the rust image's /usr/local/cargo; here a temp copy of rustup's layout
// with the machine's real rustup) was mounted with its credentials.toml and config.toml; now only
// its bin and the rustup home are, and cargo still runs. Any other mounted toolchain directory has
// its credential files masked by an empty file. Real bwrap, the real CLI, the real cargo.
import assert from "node:assert/strict";
import {
  chmodSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { bwrapSandboxBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { findOnPath } from "../../src/sandbox/bwrap/toolchain-mounts.ts";
import { hostToolchain } from "../../src/sandbox/docker/host-toolchain.ts";
import { protectedHostPaths } from "../../src/sandbox/mount-safety.ts";
import { cliEnv, runCli } from "../helpers/cli.ts";
import { makeRepo, tempDir } from "../helpers/git-fixture.ts";

const canaries = {
  crates: "cio-R20-crates-io-canary",
  registry: "R20-private-registry-canary",
  netrc: "R20-netrc-canary",
  npm: "npm_R20npmrcCanary",
};

/** The machine's rustup (what `cargo` on PATH is a proxy of) and its rustup home, or why not. */
function machineRustup(): { rustup: string; rustupHome: string } | string {
  const cargo = findOnPath("cargo", process.env.PATH ?? "");
  if (!cargo) return "no cargo on PATH";
  const rustup = realpathSync(cargo);
  if (path.basename(rustup) !== "rustup") return `cargo on PATH (${cargo}) is not a rustup proxy`;
  const rustupHome = process.env.RUSTUP_HOME || path.join(homedir(), ".rustup");
  return { rustup, rustupHome: realpathSync(rustupHome) };
}

const bwrap = await bwrapSandboxBackend.availability();
const rustup = machineRustup();
const skip = !bwrap.available
  ? `bwrap is unavailable here: ${bwrap.reason}`
  : typeof rustup === "string"
    ? `needs rustup: ${rustup}`
    : false;
if (skip) console.log(`# toolchain credentials (R20): skipped, ${skip}`);

const root = tempDir("toolchain-credentials");
after(() => rmSync(root, { recursive: true, force: true }));
const cargoHome = path.join(root, "cargo");
const tool = path.join(root, "opt", "tool");
/** A directory named in `sandbox.readOnlyMounts`. */
const extra = path.join(root, "opt", "extra");

function write(file: string, text: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

/**
 * rustup's layout outside $HOME: <root>/cargo/bin/{rustup, cargo → rustup} beside a crates.io token,
 * a registry token and a registry cache, and <root>/rustup (the machine's rustup home) beside it.
 */
function makeCargoHome(machine: { rustup: string; rustupHome: string }): void {
  mkdirSync(path.join(cargoHome, "bin"), { recursive: true });
  mkdirSync(path.join(cargoHome, "registry", "cache"), { recursive: true });
  try {
    linkSync(machine.rustup, path.join(cargoHome, "bin", "rustup"));
  } catch {
    // Another filesystem: a copy runs the same.
    copyFileSync(machine.rustup, path.join(cargoHome, "bin", "rustup"));
  }
  symlinkSync("rustup", path.join(cargoHome, "bin", "cargo"));
  write(path.join(cargoHome, "credentials.toml"), `[registry]\ntoken = "${canaries.crates}"\n`);
  write(path.join(cargoHome, "config.toml"), `[registries.private]\ntoken = "${canaries.registry}"\n`);
  symlinkSync(machine.rustupHome, path.join(root, "rustup"));
}

/** A plain toolchain <root>/opt/tool with a netrc and a global npmrc holding a token. */
function makeTool(): void {
  write(path.join(tool, "bin", "slipway-r20-tool"), "#!/bin/sh\necho tool-ran\n", 0o755);
  write(path.join(tool, "share", "readme"), "kept\n");
  write(path.join(tool, ".netrc"), `machine example.com login me password ${canaries.netrc}\n`);
  write(path.join(tool, "etc", "npmrc"), `//registry.npmjs.org/:_authToken=${canaries.npm}\n`);
  write(path.join(extra, "credentials.toml"), `[registry]\ntoken = "${canaries.crates}"\n`);
  write(path.join(extra, "notes"), "kept\n");
}

if (typeof rustup !== "string") makeCargoHome(rustup);
makeTool();

/** The CLI's environment: the fixture's bins first, no CARGO_HOME/RUSTUP_HOME (found by shape). */
function env(): Record<string, string> {
  const base = cliEnv({
    PATH: [path.join(cargoHome, "bin"), path.join(tool, "bin"), process.env.PATH].join(":"),
  });
  delete base.CARGO_HOME;
  delete base.RUSTUP_HOME;
  return base;
}

function inRoot(prefix: string): string {
  return mkdtempSync(path.join(root, `${prefix}-`));
}

function cwdWith(config: string): string {
  const cwd = inRoot("cwd");
  writeFileSync(path.join(cwd, "slipway.yaml"), config);
  return cwd;
}

const config = "sandbox:\n  toolchains: [cargo, slipway-r20-tool]\n";

describe("toolchain credentials (R20)", () => {
  test("a CARGO_HOME outside $HOME: cargo runs inside, its credentials.toml and config.toml are not there", {
    skip,
  }, async () => {
    const repo = makeRepo({ "a.txt": "one\n" });
    const probe = [
      "cargo --version",
      `ls -A ${cargoHome}`,
      `cat ${cargoHome}/credentials.toml ${cargoHome}/config.toml 2>&1`,
      `grep -r R20 ${cargoHome} 2>&1`,
      "echo probe-done",
    ].join("; ");
    const args = ["--data-dir", inRoot("data"), "sandbox", "exec", "--backend", "bwrap", "--repo", repo];
    const result = await runCli([...args, "--", "sh", "-c", probe], { env: env(), cwd: cwdWith(config) });
    rmSync(repo, { recursive: true, force: true });

    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^cargo \d+\.\d+\.\d+/m, "rustup's cargo runs from the cargo home's bin");
    assert.match(result.stdout, /^bin\n/m, "only bin of the cargo home is inside");
    assert.doesNotMatch(result.stdout, /^(registry|credentials\.toml|config\.toml)$/m);
    assert.doesNotMatch(result.stdout, new RegExp(`${canaries.crates}|${canaries.registry}`));
    assert.match(result.stdout, /probe-done/);
  });

  test("any other toolchain directory or read-only mount: its credential files are empty inside, the rest is there", {
    skip: bwrap.available ? false : `bwrap is unavailable here: ${bwrap.reason}`,
  }, async () => {
    const repo = makeRepo({ "a.txt": "one\n" });
    const probe = [
      `slipway-r20-tool; cat ${tool}/share/readme; wc -c < ${tool}/.netrc; wc -c < ${tool}/etc/npmrc`,
      `cat ${extra}/notes; wc -c < ${extra}/credentials.toml`,
    ].join("; ");
    const withExtra = `${config}  readOnlyMounts: [${extra}]\n`;
    const args = ["--data-dir", inRoot("data"), "sandbox", "exec", "--backend", "bwrap", "--repo", repo];
    const result = await runCli([...args, "--", "sh", "-c", probe], { env: env(), cwd: cwdWith(withExtra) });
    rmSync(repo, { recursive: true, force: true });

    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "tool-ran\nkept\n0\n0\nkept\n0\n");
  });

  test("doctor says what is mounted for the cargo home and which credential files are masked", {
    skip,
  }, async () => {
    const result = await runCli(["doctor", "--json"], { env: env(), cwd: cwdWith(config) });
    const report = JSON.parse(result.stdout) as {
      toolchains: { name: string; state: string; directories: string[]; manager?: string }[];
      maskedFiles: string[];
    };
    const cargo = report.toolchains.find((toolchain) => toolchain.name === "cargo");
    const machine = rustup as { rustupHome: string };
    assert.deepEqual(cargo, {
      name: "cargo",
      state: "mounted",
      program: path.join(cargoHome, "bin", "cargo"),
      directories: [path.join(cargoHome, "bin"), machine.rustupHome],
      manager: "rustup",
    });
    assert.deepEqual(
      report.maskedFiles.filter((file) => file.startsWith(root)),
      [path.join(tool, ".netrc"), path.join(tool, "etc", "npmrc")],
    );
  });

  test("docker's host toolchain masks the same files in a mounted installation", () => {
    const node = path.join(root, "opt", "node");
    write(path.join(node, "bin", "node"), "#!/bin/sh\n", 0o755);
    write(path.join(node, "lib", ".git-credentials"), "https://me:token@example.com\n");
    const mounts = hostToolchain(path.join(node, "bin"), protectedHostPaths([homedir()]));
    assert.ok(mounts.directories.includes(node), mounts.directories.join(" "));
    assert.ok(mounts.masked.includes(path.join(node, "lib", ".git-credentials")), mounts.masked.join(" "));
  });
});
