// A warm snapshot restored into another run's worktree: the venv's console script names the first
// run's worktree in its #! line; after the restore it names this one and runs, while the snapshot
// itself (the overlay's lower layer) still holds the original bytes.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { overlayProblem, unmountDependencies } from "./dependency-mounts.ts";
import { saveSnapshot, snapshotTreePath } from "./snapshot-store.ts";
import { restoreWarm } from "./warm-setup.ts";

const root = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-worktree-paths-")));
after(() => rmSync(root, { recursive: true, force: true }));

test("a restored venv's console script names this worktree and runs; the snapshot keeps its bytes", async () => {
  const first = path.join(root, "run-1");
  const second = path.join(root, "run-2");
  const dataDir = path.join(root, "data");
  const outside = path.join(root, "outside.txt");
  writeFileSync(outside, `${first}/.venv\n`);
  const bin = path.join(first, ".venv/bin");
  const site = path.join(first, ".venv/lib/python3.11/site-packages");
  mkdirSync(bin, { recursive: true });
  mkdirSync(site, { recursive: true });
  mkdirSync(second);
  symlinkSync(
    execFileSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).trim(),
    path.join(bin, "python"),
  );
  const script = `#!${first}/.venv/bin/python\nprint("pytest ran")\n`;
  writeFileSync(path.join(bin, "pytest"), script);
  chmodSync(path.join(bin, "pytest"), 0o755);
  writeFileSync(path.join(bin, "activate"), `VIRTUAL_ENV="${first}/.venv"\nOTHER="${first}-old/x"\n`);
  writeFileSync(path.join(site, "_app.pth"), `${first}/src\n`);
  symlinkSync(outside, path.join(bin, "link-out"));

  const key = "0123456789abcdef0123456789abcdef";
  const meta = await saveSnapshot({
    dataDir,
    key,
    repo: "example",
    parts: [],
    source: first,
    directories: [".venv"],
    worktree: first,
  });
  assert.equal(meta?.worktree, first);
  rmSync(first, { recursive: true, force: true });
  try {
    const restored = await restoreWarm({ dataDir, worktree: second, maxBytes: 1e9, inUseMs: 60_000 }, key);
    assert.equal(restored?.restored, true, JSON.stringify(restored));
    // Mounted where the host allows it: the rewrite then copies up only the files it changes.
    assert.equal(restored?.mode, overlayProblem() ? "copy" : "overlay");
    const ran = execFileSync(path.join(second, ".venv/bin/pytest"), { encoding: "utf8" });
    assert.equal(ran, "pytest ran\n");
    assert.equal(readFileSync(path.join(second, ".venv/bin/pytest"), "utf8"), script.replace(first, second));
    assert.equal(
      readFileSync(path.join(second, ".venv/bin/activate"), "utf8"),
      `VIRTUAL_ENV="${second}/.venv"\nOTHER="${first}-old/x"\n`,
      "only whole path components are rewritten",
    );
    assert.equal(
      readFileSync(path.join(second, ".venv/lib/python3.11/site-packages/_app.pth"), "utf8"),
      `${second}/src\n`,
    );
    assert.equal(readFileSync(outside, "utf8"), `${first}/.venv\n`, "a link is never written through");
    const tree = snapshotTreePath(dataDir, key);
    assert.equal(
      readFileSync(path.join(tree, ".venv/bin/pytest"), "utf8"),
      script,
      "the snapshot is unchanged",
    );
  } finally {
    await unmountDependencies(second);
  }
});
