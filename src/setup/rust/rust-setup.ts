// Rust setup: `cargo fetch` downloads the crates Cargo.lock pins (--locked refuses a stale lockfile).
// A workspace's members are fetched by the root's; a crate below another with its own Cargo.lock
// (a separate crate, not a member) gets its own fetch.
import { firstRegularFile } from "../repo-files.ts";
import { inFolder, type SetupDetector, setupCommand } from "../setup-detector.ts";

export const rustSetup: SetupDetector = {
  name: "rust",
  isManifest: (name) => name === "Cargo.toml",
  async detect(worktree, directory) {
    if (!(await firstRegularFile(worktree, [inFolder(directory, "Cargo.toml")]))) return undefined;
    const locked = (await firstRegularFile(worktree, [inFolder(directory, "Cargo.lock")])) !== undefined;
    const command = setupCommand(locked ? ["cargo", "fetch", "--locked"] : ["cargo", "fetch"], directory);
    return {
      ecosystem: "rust",
      commands: [command],
      allowHosts: ["crates.io", "static.crates.io", "index.crates.io"],
      producedDirectories: [],
      notes: [
        locked
          ? `${inFolder(directory, "Cargo.lock")}: cargo fetch --locked`
          : `${inFolder(directory, "Cargo.toml")} without Cargo.lock: cargo fetch resolves versions`,
      ],
    };
  },
  async installsOnItsOwn(worktree, directory) {
    return (await firstRegularFile(worktree, [inFolder(directory, "Cargo.lock")])) !== undefined;
  },
};
