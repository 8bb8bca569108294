// Rust detection from files alone: Cargo.toml, cargo on PATH, and clippy beside it (through
// rustup's toolchains when cargo is a rustup proxy).
import assert from "node:assert/strict";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import type { DetectDefaults } from "../ecosystem.ts";
import { useTempDirectories } from "../temp-directories.ts";
import { detectRustChecks } from "./rust-detector.ts";

const defaults: DetectDefaults = { timeoutMs: 60_000 };
const directory = useTempDirectories();

async function executable(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, "#!/bin/sh\n");
  await chmod(file, 0o755);
}

/** A PATH directory holding `programs`, each a small executable. */
async function binDirectory(programs: string[]): Promise<string> {
  const bin = await directory();
  for (const program of programs) await executable(path.join(bin, program));
  return bin;
}

/** A rustup layout: proxies linked to `rustup` in bin/, and a toolchain with `tools` in its bin/. */
async function rustupLayout(tools: string[]): Promise<{ searchPath: string; rustupHome: string }> {
  const root = await directory({
    "rustup/settings.toml": 'default_toolchain = "stable-x86_64-unknown-linux-gnu"\n',
  });
  await executable(path.join(root, "cargo-bin", "rustup"));
  for (const proxy of ["cargo", "cargo-clippy", "rustc"]) {
    await symlink("rustup", path.join(root, "cargo-bin", proxy));
  }
  for (const tool of tools) {
    await executable(path.join(root, "rustup", "toolchains", "stable-x86_64-unknown-linux-gnu", "bin", tool));
  }
  return { searchPath: path.join(root, "cargo-bin"), rustupHome: path.join(root, "rustup") };
}

test("a repository without Cargo.toml is not a Rust project", async () => {
  const worktree = await directory({ "README.md": "hello\n" });
  const bin = await binDirectory(["cargo"]);
  assert.equal(await detectRustChecks(worktree, defaults, { searchPath: bin, rustupHome: bin }), undefined);
});

test("with clippy beside cargo: clippy (fast and full) instead of cargo check, and cargo test (full)", async () => {
  const worktree = await directory({ "Cargo.toml": "[package]\n" });
  const bin = await binDirectory(["cargo", "cargo-clippy"]);
  const detection = await detectRustChecks(worktree, defaults, { searchPath: bin, rustupHome: bin });
  assert.deepEqual(
    detection?.commands.map(({ name, command, args, parser, speeds }) => ({
      name,
      command,
      args,
      parser,
      speeds,
    })),
    [
      {
        name: "clippy",
        command: "cargo",
        args: ["clippy", "--workspace", "--all-targets"],
        parser: "cargo",
        speeds: ["fast", "full"],
      },
      {
        name: "cargo-test",
        command: "cargo",
        args: ["test", "--workspace", "--no-fail-fast"],
        parser: "cargo",
        speeds: ["full"],
      },
    ],
  );
});

test("without clippy: cargo check, with a note saying why", async () => {
  const worktree = await directory({ "Cargo.toml": "[package]\n" });
  const bin = await binDirectory(["cargo"]);
  const detection = await detectRustChecks(worktree, defaults, { searchPath: bin, rustupHome: bin });
  assert.deepEqual(
    detection?.commands.map(({ name, args }) => ({ name, args })),
    [
      { name: "cargo-check", args: ["check", "--workspace", "--all-targets"] },
      { name: "cargo-test", args: ["test", "--workspace", "--no-fail-fast"] },
    ],
  );
  assert.ok(
    detection?.notes.some((note) => note.includes("no cargo-clippy beside")),
    detection?.notes.join("\n"),
  );
});

test("a rustup proxy for cargo-clippy counts only when the default toolchain has clippy", async () => {
  const worktree = await directory({ "Cargo.toml": "[package]\n" });
  const withClippy = await rustupLayout(["cargo", "cargo-clippy"]);
  assert.equal((await detectRustChecks(worktree, defaults, withClippy))?.commands[0]?.name, "clippy");
  const withoutClippy = await rustupLayout(["cargo"]);
  const detection = await detectRustChecks(worktree, defaults, withoutClippy);
  assert.equal(detection?.commands[0]?.name, "cargo-check");
  assert.ok(
    detection?.notes.some((note) => note.includes("rustup component add clippy")),
    detection?.notes.join("\n"),
  );
});

test("without cargo on PATH the checks stay, and a note says they fail until cargo is installed", async () => {
  const worktree = await directory({ "Cargo.toml": "[package]\n" });
  const empty = await binDirectory([]);
  const detection = await detectRustChecks(worktree, defaults, { searchPath: empty, rustupHome: empty });
  assert.deepEqual(
    detection?.commands.map((command) => command.name),
    ["cargo-check", "cargo-test"],
  );
  assert.ok(detection?.notes.some((note) => note.includes("cargo is not on PATH")));
});
