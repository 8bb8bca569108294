// Which host directories may be mounted into a sandbox: never a home as a whole, its secrets, the
// data directory or the worktree; a link is judged by where it leads.
import assert from "node:assert/strict";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { namedMountProblem, protectedHostPaths, unsafeMountReason } from "./mount-safety.ts";
import { tempDirectory } from "./sandbox.contract.ts";

describe("mount safety", () => {
  const scratch = tempDirectory("mount-safety");
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const home = path.join(scratch, "home", "user");
  const dataDir = path.join(scratch, "srv", "slipway");
  const guarded = protectedHostPaths([home], { roots: ["/data/worktrees/run-1"], secrets: [dataDir] });

  test("refuses the home directory, a directory holding it and a top-level directory", () => {
    assert.equal(unsafeMountReason(home, guarded), `it is ${home}`);
    assert.equal(unsafeMountReason(path.dirname(home), guarded), `it contains ${home}`);
    assert.equal(unsafeMountReason("/opt", guarded), "it is a top-level directory");
  });

  test("refuses ~/.cargo as a whole (it may hold credentials.toml) but not ~/.cargo/bin", () => {
    assert.equal(
      unsafeMountReason(path.join(home, ".cargo"), guarded),
      `it contains ${path.join(home, ".cargo", "credentials.toml")}`,
    );
    assert.equal(unsafeMountReason(path.join(home, ".cargo", "bin"), guarded), undefined);
    assert.equal(unsafeMountReason(path.join(home, ".rustup"), guarded), undefined);
  });

  test("refuses ~/.ssh, ~/.config and directories inside them", () => {
    assert.equal(unsafeMountReason(path.join(home, ".ssh"), guarded), `it is ${path.join(home, ".ssh")}`);
    assert.match(unsafeMountReason(path.join(home, ".ssh", "keys"), guarded) ?? "", /^it is inside .*\.ssh$/);
    assert.match(
      unsafeMountReason(path.join(home, ".config", "gcloud"), guarded) ?? "",
      /inside .*\.config$/,
    );
  });

  test("refuses the data directory, what holds it and what lies inside it, and the worktree's parents", () => {
    assert.equal(unsafeMountReason(dataDir, guarded), `it is ${dataDir}`);
    assert.equal(unsafeMountReason(path.dirname(dataDir), guarded), `it contains ${dataDir}`);
    assert.equal(unsafeMountReason(path.join(dataDir, "worktrees"), guarded), `it is inside ${dataDir}`);
    assert.equal(unsafeMountReason("/data/worktrees", guarded), "it contains /data/worktrees/run-1");
  });

  test("a plain list of paths guards them as roots", () => {
    assert.equal(unsafeMountReason("/srv/tools", ["/srv/tools/run"]), "it contains /srv/tools/run");
    assert.equal(unsafeMountReason("/srv/tools", ["/srv/other"]), undefined);
  });

  test("a named mount must be absolute, and a link is judged by where it leads", () => {
    mkdirSync(home, { recursive: true });
    const link = path.join(scratch, "opt-link");
    symlinkSync(home, link);
    assert.equal(namedMountProblem("opt/jdk", guarded), "it is not an absolute path");
    assert.equal(namedMountProblem(link, guarded), `it leads to ${home}: it is ${home}`);
    assert.equal(namedMountProblem("/opt/jdk-21", guarded), undefined);
  });
});
