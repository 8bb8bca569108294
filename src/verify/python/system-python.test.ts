// Whether the python3 on PATH has a tool, from files only: a script beside it, or its package in
// the interpreter's site-packages or Debian's dist-packages (python3-mypy ships no script).
import assert from "node:assert/strict";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, test } from "node:test";
import { makeProject, removeProject } from "../verify-fixtures.ts";
import { findSystemPythonModule, packageFolders } from "./system-python.ts";

const roots: string[] = [];
after(() => Promise.all(roots.map(removeProject)));

/** A fake interpreter prefix: bin/python3 → bin/python3.11, plus `files` (relative path → content). */
async function prefixWith(files: Record<string, string>): Promise<string> {
  const root = await makeProject({ "bin/python3.11": "#!/bin/sh\n", ...files });
  roots.push(root);
  await chmod(path.join(root, "bin/python3.11"), 0o755);
  await symlink("python3.11", path.join(root, "bin/python3"));
  return root;
}

test("package folders follow the interpreter's prefix and version", () => {
  assert.deepEqual(packageFolders("/usr/bin/python3.11", "mypy"), [
    "/usr/lib/python3.11/site-packages/mypy",
    "/usr/local/lib/python3.11/dist-packages/mypy",
    "/usr/lib/python3/dist-packages/mypy",
  ]);
});

test("a module installed as a Debian package without a script is found in dist-packages", async () => {
  const root = await prefixWith({ "lib/python3/dist-packages/mypy/__init__.py": "" });
  assert.equal(
    findSystemPythonModule("mypy", path.join(root, "bin")),
    path.join(root, "lib/python3/dist-packages/mypy"),
  );
  assert.equal(findSystemPythonModule("pytest", path.join(root, "bin")), undefined);
});

test("a script beside python3 counts; one in another PATH folder does not", async () => {
  const root = await prefixWith({ "bin/pytest": "#!/bin/sh\n", "elsewhere/mypy": "#!/bin/sh\n" });
  await chmod(path.join(root, "bin/pytest"), 0o755);
  await chmod(path.join(root, "elsewhere/mypy"), 0o755);
  const searchPath = [path.join(root, "bin"), path.join(root, "elsewhere")].join(path.delimiter);
  assert.equal(findSystemPythonModule("pytest", searchPath), path.join(root, "bin/pytest"));
  assert.equal(findSystemPythonModule("mypy", searchPath), undefined);
});

test("no python3 on PATH means nothing is installed for it", async () => {
  const empty = await makeProject({});
  roots.push(empty);
  await mkdir(path.join(empty, "bin"));
  await writeFile(path.join(empty, "bin", "mypy"), "");
  assert.equal(findSystemPythonModule("mypy", path.join(empty, "bin")), undefined);
});
