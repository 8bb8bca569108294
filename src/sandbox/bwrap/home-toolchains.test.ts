// Recognising toolchains a version manager installed under a home directory (rustup, pyenv) on
// fixture trees, and what of them is mounted: never ~/.cargo as a whole.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { SandboxError } from "../../core/errors.ts";
import { protectedHostPaths } from "../mount-safety.ts";
import { tempDirectory } from "../sandbox.contract.ts";
import { cargoHomeInstallation, homeToolchainOf, pyenvInstallation } from "./home-toolchains.ts";
import { hostMounts } from "./host-mounts.ts";
import { toolchainMounts } from "./toolchain-mounts.ts";

function executable(file: string, text = "#!/bin/sh\n"): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/** A home with rustup (proxies linked to rustup in ~/.cargo/bin, a crates.io token) and pyenv. */
function fixtureHome(root: string): string {
  const home = path.join(root, "home", "user");
  executable(path.join(home, ".cargo", "bin", "rustup"));
  for (const proxy of ["cargo", "rustc"]) symlinkSync("rustup", path.join(home, ".cargo", "bin", proxy));
  writeFileSync(path.join(home, ".cargo", "credentials.toml"), '[registry]\ntoken = "secret"\n');
  mkdirSync(path.join(home, ".rustup", "toolchains", "stable-x86_64-unknown-linux-gnu"), { recursive: true });
  executable(path.join(home, ".pyenv", "shims", "python3"), '#!/usr/bin/env bash\nexec pyenv exec "$@"\n');
  executable(path.join(home, ".pyenv", "versions", "3.11.7", "bin", "python3"));
  mkdirSync(path.join(home, ".pyenv", "plugins", "pyenv-virtualenv", "shims"), { recursive: true });
  return home;
}

describe("home toolchains", () => {
  const scratch = tempDirectory("home-toolchains");
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const home = fixtureHome(scratch);
  const cargoBin = path.join(home, ".cargo", "bin");
  const rustupHome = path.join(home, ".rustup");
  const pyenvRoot = path.join(home, ".pyenv");

  test("rustup in ~/.cargo/bin: the bin directory and ~/.rustup, with RUSTUP_HOME", () => {
    assert.deepEqual(cargoHomeInstallation(cargoBin, { home, env: {} }), {
      manager: "rustup",
      directories: [cargoBin, rustupHome],
      environment: { RUSTUP_HOME: rustupHome },
    });
  });

  test("rustup follows CARGO_HOME and RUSTUP_HOME, and needs a rustup home with toolchains", () => {
    const elsewhere = path.join(scratch, "opt", "rust");
    executable(path.join(elsewhere, "cargo", "bin", "cargo"));
    mkdirSync(path.join(elsewhere, "rustup", "toolchains"), { recursive: true });
    const env = { CARGO_HOME: path.join(elsewhere, "cargo"), RUSTUP_HOME: path.join(elsewhere, "rustup") };
    assert.deepEqual(
      cargoHomeInstallation(path.join(elsewhere, "cargo", "bin"), { home, env })?.environment,
      {
        RUSTUP_HOME: path.join(elsewhere, "rustup"),
      },
    );
    assert.deepEqual(
      cargoHomeInstallation(cargoBin, { home, env: { RUSTUP_HOME: path.join(scratch, "none") } }),
      { manager: "cargo-home", directories: [cargoBin], environment: {} },
    );
    assert.equal(cargoHomeInstallation(path.join(scratch, "opt"), { home, env: {} }), undefined);
  });

  test("a CARGO_HOME-shaped folder anywhere: its bin and the sibling rustup home, never the folder", () => {
    // The official rust image's layout (/usr/local/cargo beside /usr/local/rustup), moved to scratch.
    const local = path.join(scratch, "usr-local");
    const bin = path.join(local, "cargo", "bin");
    executable(path.join(bin, "cargo"));
    writeFileSync(path.join(local, "cargo", "credentials.toml"), '[registry]\ntoken = "secret"\n');
    const outsider = { home: path.join(scratch, "home", "nobody"), env: {} };
    assert.deepEqual(cargoHomeInstallation(bin, outsider), {
      manager: "cargo-home",
      directories: [bin],
      environment: {},
    });
    mkdirSync(path.join(local, "rustup", "toolchains"), { recursive: true });
    assert.deepEqual(cargoHomeInstallation(bin, outsider)?.directories, [bin, path.join(local, "rustup")]);
    // A standalone installation (bin beside lib, nothing of a cargo home) is not one.
    const standalone = path.join(scratch, "opt", "rust-1.80");
    executable(path.join(standalone, "bin", "cargo"));
    mkdirSync(path.join(standalone, "lib", "rustlib"), { recursive: true });
    assert.equal(cargoHomeInstallation(path.join(standalone, "bin"), outsider), undefined);
  });

  test("pyenv shims, also a plugin's: the pyenv root, with PYENV_ROOT", () => {
    const expected = { manager: "pyenv", directories: [pyenvRoot], environment: { PYENV_ROOT: pyenvRoot } };
    assert.deepEqual(pyenvInstallation(path.join(pyenvRoot, "shims")), expected);
    assert.deepEqual(
      pyenvInstallation(path.join(pyenvRoot, "plugins", "pyenv-virtualenv", "shims")),
      expected,
    );
    assert.equal(pyenvInstallation(path.join(pyenvRoot, "versions", "3.11.7", "bin")), undefined);
    assert.equal(homeToolchainOf(path.join(scratch, "shims"), { home, env: {} }), undefined);
  });

  test("on PATH, cargo mounts ~/.cargo/bin and ~/.rustup, never ~/.cargo, and python3 the pyenv root", () => {
    const mounts = toolchainMounts(["cargo", "rustc", "python3"], {
      searchPath: [cargoBin, path.join(pyenvRoot, "shims")].join(":"),
      protectedPaths: protectedHostPaths([home]),
      host: { home, env: {} },
    });
    assert.deepEqual(mounts.directories, [cargoBin, pyenvRoot, rustupHome].sort());
    assert.deepEqual(mounts.environment, { RUSTUP_HOME: rustupHome, PYENV_ROOT: pyenvRoot });
    assert.deepEqual(
      mounts.found.map((toolchain) => [toolchain.name, toolchain.manager]),
      [
        ["cargo", "rustup"],
        ["rustc", "rustup"],
        ["python3", "pyenv"],
      ],
    );
    assert.ok(!mounts.directories.includes(path.join(home, ".cargo")));
  });

  test("cargo in ~/.cargo/bin without a rustup home: only ~/.cargo/bin, never ~/.cargo with credentials.toml", () => {
    const mounts = toolchainMounts(["cargo"], {
      searchPath: cargoBin,
      protectedPaths: protectedHostPaths([home]),
      host: { home, env: { RUSTUP_HOME: path.join(scratch, "no-rustup") } },
    });
    assert.deepEqual(mounts.directories, [cargoBin]);
    assert.equal(mounts.found[0]?.manager, "cargo-home");
  });

  test("a cargo home inside a mounted folder (as /usr/local/cargo inside /usr): its credentials and config are masked", () => {
    const system = path.join(scratch, "system");
    executable(path.join(system, "bin", "tool"));
    const cargoHome = path.join(system, "local", "lang", "cargo");
    executable(path.join(cargoHome, "bin", "cargo"));
    writeFileSync(path.join(cargoHome, "credentials.toml"), '[registry]\ntoken = "secret"\n');
    writeFileSync(path.join(cargoHome, "config.toml"), '[registries.x]\ntoken = "secret"\n');
    const context = (searchPath: string) => ({
      searchPath,
      protectedPaths: protectedHostPaths([home]),
      host: { home, env: {} },
    });
    // Three levels down: found through the PATH entry's root, not the two-level scan of the mount.
    const mounts = toolchainMounts(
      ["tool"],
      context(`${path.join(system, "bin")}:${path.join(cargoHome, "bin")}`),
    );
    assert.deepEqual(mounts.directories, [system]);
    assert.deepEqual(mounts.masked, [
      path.join(cargoHome, "config.toml"),
      path.join(cargoHome, "credentials.toml"),
    ]);
    assert.deepEqual(toolchainMounts(["tool"], context(path.join(system, "bin"))).masked, []);
  });

  test("read-only mounts are added after the toolchains; one exposing a secret stops the sandbox with the key named", () => {
    const jdk = path.join(scratch, "opt", "jdk");
    mkdirSync(jdk, { recursive: true });
    const context = { searchPath: "", protectedPaths: protectedHostPaths([home]), host: { home, env: {} } };
    assert.deepEqual(hostMounts({ toolchains: [], readOnlyMounts: [jdk] }, context).directories, [jdk]);
    assert.throws(
      () => hostMounts({ toolchains: [], readOnlyMounts: [path.join(home, ".cargo")] }, context),
      (error: unknown) =>
        error instanceof SandboxError &&
        /^sandbox\.readOnlyMounts: .*\.cargo cannot be mounted: it contains .*credentials\.toml; remove it/.test(
          error.message,
        ),
    );
    assert.throws(
      () => hostMounts({ toolchains: [], readOnlyMounts: [path.join(scratch, "absent")] }, context),
      /it does not exist on this host/,
    );
  });
});
