// Rust setup: `cargo fetch` downloads the crates Cargo.lock pins (--locked refuses a stale lockfile).
import { firstRegularFile } from "../repo-files.ts";
import { type SetupDetector, setupCommand } from "../setup-detector.ts";

export const rustSetup: SetupDetector = {
  name: "rust",
  async detect(worktree) {
    if (!(await firstRegularFile(worktree, ["Cargo.toml"]))) return undefined;
    const locked = (await firstRegularFile(worktree, ["Cargo.lock"])) !== undefined;
    const command = setupCommand(locked ? ["cargo", "fetch", "--locked"] : ["cargo", "fetch"]);
    return {
      ecosystem: "rust",
      commands: [command],
      allowHosts: ["crates.io", "static.crates.io", "index.crates.io"],
      producedDirectories: [],
      notes: [
        locked
          ? "Cargo.lock: cargo fetch --locked"
          : "Cargo.toml without Cargo.lock: cargo fetch resolves versions",
      ],
    };
  },
};
