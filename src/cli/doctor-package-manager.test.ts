// doctor's pinned package manager: corepack's shim is not the pinned version; corepack's cache,
// setup's launcher or a pnpm of that very version is.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { checkPinnedManager } from "./doctor-package-manager.ts";

describe("doctor: the pinned package manager", () => {
  let root: string;
  let project: string;
  /** A PATH folder whose pnpm is corepack's shim. */
  let shimBin: string;
  /** A PATH folder whose pnpm is an installed pnpm 9.1.0. */
  let realBin: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "slipway-doctor-pm-"));
    project = path.join(root, "project");
    await mkdir(project);
    await writeFile(
      path.join(project, "package.json"),
      JSON.stringify({ packageManager: "pnpm@9.1.0+sha512.ab" }),
    );
    const corepackShim = path.join(root, "lib/node_modules/corepack/shims");
    await mkdir(corepackShim, { recursive: true });
    await writeFile(path.join(corepackShim, "pnpm"), "#!/bin/sh\n", { mode: 0o755 });
    shimBin = path.join(root, "shim-bin");
    await mkdir(shimBin);
    await symlink(path.join(corepackShim, "pnpm"), path.join(shimBin, "pnpm"));
    const pnpmPackage = path.join(root, "lib/node_modules/pnpm");
    await mkdir(path.join(pnpmPackage, "bin"), { recursive: true });
    await writeFile(
      path.join(pnpmPackage, "package.json"),
      JSON.stringify({ name: "pnpm", version: "9.1.0" }),
    );
    await writeFile(path.join(pnpmPackage, "bin/pnpm.cjs"), "", { mode: 0o755 });
    realBin = path.join(root, "real-bin");
    await mkdir(realBin);
    await symlink(path.join(pnpmPackage, "bin/pnpm.cjs"), path.join(realBin, "pnpm"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  const env = (bin: string, corepackHome = path.join(root, "empty-corepack")) => ({
    PATH: bin,
    COREPACK_HOME: corepackHome,
  });

  it("warns when the pnpm on PATH is only corepack's shim, and says what to do", async () => {
    const [finding] = await checkPinnedManager(project, env(shimBin), root);
    assert.equal(finding?.state, "warning");
    assert.match(finding?.detail ?? "", /pnpm@9\.1\.0, which .* is not installed here: .*corepack's shim/);
    assert.match(finding?.fix ?? "", /`corepack install`/);
  });

  it("is satisfied by corepack's cache holding the pinned version", async () => {
    const home = path.join(root, "corepack-home");
    await mkdir(path.join(home, "v1/pnpm/9.1.0"), { recursive: true });
    const [finding] = await checkPinnedManager(project, env(shimBin, home), root);
    assert.equal(finding?.state, "ok");
    assert.match(finding?.detail ?? "", /corepack's cache/);
  });

  it("is satisfied by a pnpm of the pinned version on PATH, not by another version", async () => {
    const [finding] = await checkPinnedManager(project, env(realBin), root);
    assert.equal(finding?.state, "ok");
    await writeFile(path.join(project, "package.json"), JSON.stringify({ packageManager: "pnpm@8.0.0" }));
    const [other] = await checkPinnedManager(project, env(realBin), root);
    assert.equal(other?.state, "warning");
    assert.match(other?.detail ?? "", /is 9\.1\.0/);
  });

  it("says nothing when package.json pins no pnpm or yarn", async () => {
    await writeFile(path.join(project, "package.json"), JSON.stringify({ packageManager: "npm@10.0.0" }));
    assert.deepEqual(await checkPinnedManager(project, env(shimBin), root), []);
  });
});
