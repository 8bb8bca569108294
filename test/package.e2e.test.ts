// The npm package as a user gets it: `npm pack`, then the tarball installed into clean directories
// with a fresh HOME — project-local (`npx slipway`), run straight from the tarball (`npx --package`)
// and global (`npm install -g`) — each running `--version`, `--help` and the offline demo; the
// project-local install also imports the programmatic API, type-checked against its declarations.
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string })
  .version;
/** Packing builds the whole source (npm's prepare); installing resolves every dependency. */
const npmTimeoutMs = 300_000;
/** The demo runs the real pipeline: a sandbox, the example's tests twice, the judge. */
const demoTimeoutMs = 120_000;

let work = "";
let tarball = "";
let env: Record<string, string> = {};

const execFileAsync = promisify(execFile);

/**
 * Run `command` (no shell) to its end, bounded by `timeoutMs`; a non-zero exit fails the test.
 * `home`: the HOME it sees (each install's demo its own, as they run at once).
 */
async function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  home = env.HOME,
): Promise<{ stdout: string; stderr: string }> {
  const shown = `${command} ${args.join(" ")}`;
  try {
    return await execFileAsync(command, args, {
      cwd,
      env: { ...env, ...(home ? { HOME: home } : {}) },
      encoding: "utf8",
      timeout: timeoutMs,
      killSignal: "SIGKILL",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as {
      code?: unknown;
      killed?: boolean;
      stdout?: string;
      stderr?: string;
      message: string;
    };
    if (failed.killed || typeof failed.code !== "number")
      throw new Error(`${shown} did not run or end within ${timeoutMs} ms: ${failed.message}`);
    assert.fail(`${shown} exited ${failed.code}\n${failed.stdout}\n${failed.stderr}`);
  }
}

/** `--version`, `--help` and the demo through `slipway` as `prefix` runs it, with a HOME of its own. */
async function checkCommands(prefix: string[], cwd: string): Promise<void> {
  const [command, ...args] = prefix as [string, ...string[]];
  const home = cleanDirectory(`home-${path.basename(cwd)}`);
  assert.equal((await run(command, [...args, "--version"], cwd, 60_000, home)).stdout.trim(), version);
  const help = (await run(command, [...args, "--help"], cwd, 60_000, home)).stdout;
  for (const name of ["run", "runs", "demo", "doctor"]) assert.match(help, new RegExp(`^  ${name} `, "m"));
  const demo = await run(command, [...args, "demo"], cwd, demoTimeoutMs, home);
  assert.match(demo.stdout, /^outcome\s+success$/m, demo.stdout + demo.stderr);
}

/**
 * A TypeScript program of the project that installed the package: it imports the API from
 * "slipway", and a wrong argument must be a type error (the declarations are real, not `any`).
 */
const apiConsumer = `import { getRun, getRunEvents, listRuns, type Run, type RunReport, submitRun, verifyDirectory } from "slipway";

const dataDir = process.argv[2]!;
const runs: Run[] = await listRuns({ dataDir, limit: 5 });
// Never called: only the type checker reads it.
const wrongLimit = () =>
  // @ts-expect-error: limit is a number
  listRuns({ dataDir, limit: "5" });
const submit: (options: { repo: string; task: string }) => Promise<RunReport> = submitRun;
let refused = "";
try {
  await getRun("short", { dataDir });
} catch (error) {
  refused = (error as Error).message;
}
console.log(JSON.stringify({
  runs,
  run: (await getRun("run_nothing_here", { dataDir })) ?? null,
  events: (await getRunEvents("run_nothing_here", { dataDir })) ?? null,
  functions: [typeof submit, typeof verifyDirectory, typeof wrongLimit],
  refused,
}));
`;

/** Type-check the consumer with the package's declarations, then run it (Node strips its types). */
async function checkApi(project: string): Promise<void> {
  writeFileSync(path.join(project, "consumer.mts"), apiConsumer);
  const compilerOptions = {
    module: "nodenext",
    target: "es2024",
    strict: true,
    noEmit: true,
    // As `tsc --init` sets it: the AI SDK's own declarations name a types package it does not install.
    skipLibCheck: true,
    // Node's own types from this repository: the consumer project installs only the package.
    types: ["node"],
    typeRoots: [path.join(root, "node_modules", "@types")],
  };
  writeFileSync(
    path.join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions, files: ["consumer.mts"] }),
  );
  await run(path.join(root, "node_modules", ".bin", "tsc"), ["-p", project], project, 120_000);
  const dataDir = path.join(project, "no-data-here");
  const result = JSON.parse((await run(process.execPath, ["consumer.mts", dataDir], project, 60_000)).stdout);
  assert.deepEqual(result, {
    runs: [],
    run: null,
    events: null,
    functions: ["function", "function", "function"],
    refused: "getRun: give a run id or a prefix of at least 6 characters",
  });
  assert.equal(existsSync(dataDir), false, "reading created a data directory");
}

function cleanDirectory(name: string): string {
  const directory = path.join(work, name);
  mkdirSync(directory);
  return directory;
}

// The installs are independent (each its own directory; npm's cache is safe to share): they run at
// once, as most of their time is npm and the demo waiting on processes.
describe("the npm package", { concurrency: true }, () => {
  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "slipway-package-"));
    // npm's own cache (the real HOME's), so installs with --prefer-offline need little network.
    const cache = spawnSync("npm", ["config", "get", "cache"], { encoding: "utf8", timeout: 60_000 });
    env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: cleanDirectory("home"),
      npm_config_cache: cache.stdout.trim(),
      npm_config_prefer_offline: "true",
      npm_config_update_notifier: "false",
      npm_config_audit: "false",
      npm_config_fund: "false",
      NO_COLOR: "1",
    };
    await run("npm", ["pack", "--pack-destination", work], root, npmTimeoutMs);
    const packed = readdirSync(work).filter((file) => file.endsWith(".tgz"));
    assert.deepEqual(packed, [`slipway-${version}.tgz`]);
    tarball = path.join(work, packed[0]!);
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("ships the built JavaScript and the demo's files, and no tests, fixtures, doubles or sources", async () => {
    const files = (await run("tar", ["-tzf", tarball], work, 60_000)).stdout.trim().split("\n");
    for (const needed of [
      "package/bin/slipway.js",
      "package/dist/cli/main.js",
      "package/dist/cli/main.d.ts",
      "package/dist/cli/main.js.map",
      "package/dist/sandbox/bwrap/command-server.js",
      "package/dist/demo/demo-task.md",
      "package/dist/demo/example-repo/package.json",
      "package/CHANGELOG.md",
    ]) {
      assert.ok(files.includes(needed), `${needed} is not in the package`);
    }
    const shipped = files.filter((file) => !file.startsWith("package/dist/demo/example-repo/"));
    const testCode = /(\.test\.|\.contract\.|fixture|test-double|^package\/(src|test|bench|scripts)\/)/;
    assert.deepEqual(
      shipped.filter((file) => testCode.test(file)),
      [],
      "test code in the package",
    );
    assert.deepEqual(
      shipped.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")),
      [],
      "TypeScript sources in the package (node will not strip types under node_modules)",
    );
  });

  test("installed in a project, `npx slipway` runs --version, --help, the demo and a sandboxed command, and the typed API imports", async () => {
    const project = cleanDirectory("project");
    writeFileSync(path.join(project, "package.json"), '{ "name": "a-project", "private": true }\n');
    await run("npm", ["install", tarball], project, npmTimeoutMs);
    await checkCommands(["npx", "--no-install", "slipway"], project);
    await checkApi(project);
    // The agent's commands run through the command server inside bwrap: a file the build must ship
    // and find as JavaScript.
    if (spawnSync("bwrap", ["--version"], { timeout: 10_000 }).status !== 0) {
      process.stdout.write("# sandbox exec on bwrap not checked: bwrap is not installed\n");
      return;
    }
    const inside = await run(
      "npx",
      [
        "--no-install",
        "slipway",
        "sandbox",
        "exec",
        "--backend",
        "bwrap",
        "--",
        "node",
        "-e",
        "console.log(6 * 7)",
      ],
      project,
      60_000,
    );
    assert.equal(inside.stdout.trim(), "42");
  });

  test("`npx --package <tarball> slipway` runs from a clean directory without an install", async () => {
    await checkCommands(["npx", "--yes", "--package", tarball, "--", "slipway"], cleanDirectory("anywhere"));
  });

  test("installed globally, `slipway` on the prefix's PATH runs --version, --help and the demo", async () => {
    const prefix = cleanDirectory("global");
    await run("npm", ["install", "--global", "--prefix", prefix, tarball], work, npmTimeoutMs);
    await checkCommands([path.join(prefix, "bin", "slipway")], cleanDirectory("elsewhere"));
  });
});
