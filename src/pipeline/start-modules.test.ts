// A run's start loads what it needs up to the agent's first model call, not what judges and ships the
// work (about 90 modules: each costs the start 0.5-1 ms, more on a loaded host).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const startPath = fileURLToPath(new URL("./run-execution.ts", import.meta.url));

/** The src/ modules a fresh node loads for `file`'s imports, relative to src/. */
function modulesLoadedBy(file: string): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    await import(${JSON.stringify(file)});
    console.log(JSON.stringify(loaded));
  `;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const urls = JSON.parse(result.stdout) as string[];
  return urls.flatMap((url) => /\/src\/(.+)$/.exec(url)?.[1] ?? []);
}

test("the run's start does not load the gate, review, commit and publish stages or the checks", () => {
  const loaded = modulesLoadedBy(startPath);
  assert.ok(loaded.includes("pipeline/stage-agent.ts"), "the agent stage is part of the start");
  const late = [
    "pipeline/stage-gate.ts",
    "pipeline/stage-review.ts",
    "pipeline/stage-commit.ts",
    "pipeline/stage-publish.ts",
    "pipeline/checks-for-run.ts",
    "verify/run-verifiers.ts",
    "verify/detect.ts",
  ];
  assert.deepEqual(
    late.filter((name) => loaded.includes(name)),
    [],
  );
});
