// A Rust project pinning a toolchain this machine lacks: rustup's proxy tries to install it in the
// sandbox and fails on its read-only home; the check says which toolchain is not available here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, test } from "node:test";
import { bwrapSandboxBackend } from "../sandbox/bwrap/bwrap-sandbox.ts";
import { missingProgram as missingFrom } from "./missing-program.ts";
import { runVerifiers } from "./run-verifiers.ts";
import { makeProject, missingProgram, removeProject } from "./verify-fixtures.ts";

const roots: string[] = [];
after(async () => {
  for (const root of roots) await removeProject(root);
});

const availability = await bwrapSandboxBackend.availability();
const skip = availability.available
  ? missingProgram("rustup")
  : `bwrap is unavailable here: ${availability.reason}`;

test("a pinned Rust toolchain that is not installed is 'not available here', not a build error", {
  skip,
}, async () => {
  const root = await makeProject({
    "Cargo.toml": '[package]\nname = "pinned"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/main.rs": "fn main() {}\n",
    // An old point release no machine keeps by default; rustup would download it.
    "rust-toolchain.toml": '[toolchain]\nchannel = "1.56.1"\n',
  });
  roots.push(root);
  const sandbox = await bwrapSandboxBackend.create({
    worktree: root,
    allowHosts: [],
    memoryMb: 2048,
    maxProcesses: 256,
  });
  try {
    const command = {
      name: "cargo-build",
      command: "cargo",
      args: ["build"],
      cwd: ".",
      parser: "cargo",
      speeds: ["full" as const],
      timeoutMs: 60_000,
    };
    const report = await runVerifiers(sandbox, [command], "full", AbortSignal.timeout(90_000));
    const [result] = report.results;
    assert.equal(report.passed, false);
    assert.match(result?.unavailable ?? "", /^Rust toolchain 1\.56\.1-x86_64|^Rust toolchain 1\.56\.1/);
    assert.match(report.summary, /✗ cargo-build: not available here: Rust toolchain 1\.56\.1/);
    assert.match(report.summary, /rustup toolchain install/);
  } finally {
    await sandbox.dispose();
  }
});

test("how real shells and env say a program is missing is read as that program, only with exit 127", () => {
  const ways: [string, string[]][] = [
    ["sh", ["-c", 'shift; exec "$@"', "wrapper", "x", "slipway-absent-tool"]],
    ["sh", ["-c", "slipway-absent-tool --check"]],
    ["bash", ["-c", "slipway-absent-tool --check"]],
    ["bash", ["-c", "exec slipway-absent-tool"]],
    ["env", ["slipway-absent-tool"]],
  ];
  for (const [program, args] of ways) {
    const run = spawnSync(program, args, { encoding: "utf8", timeout: 10_000 });
    const output = `${run.stdout}${run.stderr}`;
    assert.equal(run.status, 127, `${program} ${args.join(" ")}: ${output}`);
    assert.equal(missingFrom(output, 127), "slipway-absent-tool", output);
    assert.equal(missingFrom(output, 1), undefined);
  }
});
