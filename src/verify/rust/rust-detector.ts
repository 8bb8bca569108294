// Detects a Rust project's checks from its Cargo.toml: `cargo clippy` when clippy is installed,
// else `cargo check` (fast and full), and `cargo test` (full). Clippy runs rustc's own checks
// before its lints, so with clippy a separate `cargo check` would only report every compile
// error twice and build the crate twice.
import { homedir } from "node:os";
import path from "node:path";
import type { DetectDefaults, EcosystemDetection, EcosystemDetector } from "../ecosystem.ts";
import { lookAtManifest } from "../manifest-kind.ts";
import type { VerifierCommand, VerifySpeed } from "../verifier.ts";
import { findCargoTools } from "./cargo-tools.ts";

/** Where the detector looks: PATH for cargo, and rustup's home for the toolchains behind its proxies. */
export interface RustupLocation {
  searchPath: string;
  rustupHome: string;
}

function cargoCommand(
  name: string,
  args: string[],
  speeds: VerifySpeed[],
  defaults: DetectDefaults,
): VerifierCommand {
  return { name, command: "cargo", args, cwd: ".", parser: "cargo", speeds, timeoutMs: defaults.timeoutMs };
}

/**
 * The checks of the Rust project at `worktree`, or undefined when it has no Cargo.toml.
 * `--workspace` covers every member of a workspace; `--all-targets` lets the fast check see the
 * tests and examples too; `--no-fail-fast` runs every test binary, so every failing test is named.
 */
export async function detectRustChecks(
  worktree: string,
  defaults: DetectDefaults,
  location: RustupLocation,
): Promise<EcosystemDetection | undefined> {
  const manifest = await lookAtManifest(worktree, "Cargo.toml", "rust", "Rust");
  if (manifest === "missing") return undefined;
  if (manifest !== "file") return manifest;
  const tools = findCargoTools(location.searchPath, location.rustupHome);
  const notes = ["rust: Cargo.toml found"];
  if (!tools.cargo) notes.push("rust: cargo is not on PATH, so the cargo checks fail until it is installed");
  const fast: VerifySpeed[] = ["fast", "full"];
  const commands: VerifierCommand[] = [];
  if (tools.clippy) {
    notes.push(`rust: clippy runs instead of cargo check (${tools.reason})`);
    commands.push(cargoCommand("clippy", ["clippy", "--workspace", "--all-targets"], fast, defaults));
  } else {
    notes.push(`rust: no clippy (${tools.reason}), so cargo check`);
    commands.push(cargoCommand("cargo-check", ["check", "--workspace", "--all-targets"], fast, defaults));
  }
  commands.push(cargoCommand("cargo-test", ["test", "--workspace", "--no-fail-fast"], ["full"], defaults));
  return { commands, notes };
}

export const rustDetector: EcosystemDetector = {
  name: "rust",
  // The sandbox passes the platform's PATH through, so the host's PATH is where tools are found.
  detect: (worktree, defaults) =>
    detectRustChecks(worktree, defaults, {
      searchPath: process.env.PATH ?? "",
      rustupHome: process.env.RUSTUP_HOME ?? path.join(homedir(), ".rustup"),
    }),
};
