// Go detection from files alone: go.mod, go on PATH, and GOROOT/VERSION deciding -fullpath.
import assert from "node:assert/strict";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import type { DetectDefaults } from "../ecosystem.ts";
import { useTempDirectories } from "../temp-directories.ts";
import { detectGoChecks } from "./go-detector.ts";
import { parseGoVersion } from "./go-toolchain.ts";

const defaults: DetectDefaults = { timeoutMs: 60_000 };
const directory = useTempDirectories();

/** A GOROOT with bin/go and VERSION, linked from a PATH directory as distributions do; returns that PATH. */
async function goInstallation(version: string | undefined): Promise<string> {
  const root = await directory(
    version === undefined ? {} : { "goroot/VERSION": `${version}\ntime 2024-06-04\n` },
  );
  await mkdir(path.join(root, "goroot", "bin"), { recursive: true });
  await writeFile(path.join(root, "goroot", "bin", "go"), "#!/bin/sh\n");
  await chmod(path.join(root, "goroot", "bin", "go"), 0o755);
  await mkdir(path.join(root, "bin"));
  await symlink(path.join(root, "goroot", "bin", "go"), path.join(root, "bin", "go"));
  return path.join(root, "bin");
}

test("a repository without go.mod is not a Go module", async () => {
  const worktree = await directory({ "main.go": "package main\n" });
  assert.equal(await detectGoChecks(worktree, defaults, await goInstallation("go1.22.4")), undefined);
});

test("go build and go vet run fast and full, go test full, each with its parser", async () => {
  const worktree = await directory({ "go.mod": "module example.com/x\n" });
  const detection = await detectGoChecks(worktree, defaults, await goInstallation("go1.19.8"));
  assert.deepEqual(
    detection?.commands.map(({ name, command, args, parser, speeds }) => ({
      name,
      command,
      args,
      parser,
      speeds,
    })),
    [
      { name: "go-build", command: "go", args: ["build", "./..."], parser: "go", speeds: ["fast", "full"] },
      { name: "go-vet", command: "go", args: ["vet", "./..."], parser: "go-vet", speeds: ["fast", "full"] },
      { name: "go-test", command: "go", args: ["test", "./..."], parser: "go", speeds: ["full"] },
    ],
  );
  assert.ok(detection?.notes.some((note) => note.includes("Go 1.19 has no -fullpath")));
});

test("go test gets -fullpath from Go 1.21 on, and not when the version is unknown", async () => {
  const worktree = await directory({ "go.mod": "module example.com/x\n" });
  const newer = await detectGoChecks(worktree, defaults, await goInstallation("go1.22.4"));
  assert.deepEqual(newer?.commands[2]?.args, ["test", "-fullpath", "./..."]);
  const unknown = await detectGoChecks(worktree, defaults, await goInstallation(undefined));
  assert.deepEqual(unknown?.commands[2]?.args, ["test", "./..."]);
  const missing = await detectGoChecks(worktree, defaults, await directory());
  assert.ok(missing?.notes.some((note) => note.includes("go is not on PATH")));
});

test("reads the version from GOROOT/VERSION's first line", () => {
  assert.deepEqual(parseGoVersion("go1.21.0\ntime 2023-08-08T19:22:18Z\n"), { major: 1, minor: 21 });
  assert.equal(parseGoVersion("devel +abc"), undefined);
});
