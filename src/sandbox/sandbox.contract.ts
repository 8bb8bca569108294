// The behaviour every sandbox backend must have, as one node:test suite each backend's test file
// runs against itself (`describeSandboxContract(backend)`), plus helpers those test files share.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { ExecRequest, Sandbox, SandboxBackend, SandboxOptions } from "./sandbox.ts";

/** Pids of host processes with `marker` as one of their arguments (sandboxed ones included). */
/**
 * The entries of `parent` on the way to a toolchain the sandbox mounts on purpose (node itself and
 * PATH's directories, read-only): a checkout whose Node lives in it (CI's `.node24`) may sit in the
 * same temporary directory as the worktree, and its path then shows beside the worktree.
 */
function toolchainEntriesUnder(parent: string): string[] {
  const directories = [path.dirname(process.execPath), ...(process.env.PATH ?? "").split(":")];
  const entries = new Set<string>();
  for (const directory of directories.filter(Boolean)) {
    let real: string;
    try {
      real = realpathSync(directory);
    } catch {
      continue; // a PATH entry that does not exist is mounted by no one
    }
    const relative = path.relative(parent, real);
    if (relative && !relative.startsWith("..") && !path.isAbsolute(relative)) {
      entries.add(relative.split(path.sep)[0]!);
    }
  }
  return [...entries];
}

export function processesWithArgument(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(marker))
        found.push(Number(entry));
    } catch {
      // The process exited while the table was read.
    }
  }
  return found;
}

/** Poll until no process carries `marker` (killed ones take a moment to be reaped); the survivors. */
export async function survivorsWith(marker: string, withinMs = 5_000): Promise<number[]> {
  const deadline = performance.now() + withinMs;
  let survivors = processesWithArgument(marker);
  while (survivors.length > 0 && performance.now() < deadline) {
    await sleep(50);
    survivors = processesWithArgument(marker);
  }
  return survivors;
}

/** Poll until a process carries `marker`; true when one appeared within the time. */
export async function appearsWithin(marker: string, withinMs = 10_000): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    if (processesWithArgument(marker).length > 0) return true;
    await sleep(20);
  }
  return false;
}

/** A `sleep` duration no other process on the machine uses, so it marks a test's processes. */
export function uniqueSleepMarker(): string {
  return `${900 + randomInt(99)}.${randomInt(100_000, 999_999)}`;
}

/** A new temp directory (removed by the caller's after hook). */
export function tempDirectory(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `slipway-${prefix}-`));
}

/** Options for contract sandboxes: generous limits, no network. */
export function contractOptions(worktree: string): SandboxOptions {
  return { worktree, allowHosts: [], memoryMb: 2048, maxProcesses: 128 };
}

/** An exec request with the defaults the contract uses. */
export function shell(script: string, extra: Partial<ExecRequest> = {}): ExecRequest {
  return { command: "sh", args: ["-c", script], timeoutMs: 30_000, maxOutputBytes: 64 * 1024, ...extra };
}

/**
 * Make every request to `sandbox` ask for `processSpace` unless it names one itself, keeping the
 * instance (and its backend's own members); returns it.
 */
export function askingFor<T extends Sandbox>(sandbox: T, processSpace: ExecRequest["processSpace"]): T {
  const exec = sandbox.exec.bind(sandbox);
  sandbox.exec = (request) => exec({ processSpace, ...request });
  return sandbox;
}

/**
 * Run the sandbox contract against `backend`, with every command asking for `processSpace` (the
 * contract holds for both); skipped with a printed reason when the backend is unavailable here.
 */
export function describeSandboxContract(
  backend: SandboxBackend,
  processSpace: ExecRequest["processSpace"] = "command",
): void {
  describe(`sandbox contract: ${backend.name}, ${processSpace} process space`, async () => {
    const availability = await backend.availability();
    const skip = availability.available
      ? false
      : `${backend.name} is unavailable here: ${availability.reason}`;
    if (skip) console.log(`# skipping the ${backend.name} sandbox contract: ${skip}`);
    let worktree = "";
    let sandbox: Sandbox | undefined;
    const open = (): Sandbox => {
      assert.ok(sandbox, "the sandbox was created in beforeEach");
      return sandbox;
    };

    beforeEach(async () => {
      if (skip) return;
      worktree = tempDirectory(`contract-${backend.name}`);
      sandbox = askingFor(await backend.create(contractOptions(worktree)), processSpace);
    });

    afterEach(async () => {
      await sandbox?.dispose();
      sandbox = undefined;
      if (worktree) rmSync(worktree, { recursive: true, force: true });
    });

    test("runs a command in the worktree and returns its exit code and output", { skip }, async () => {
      writeFileSync(path.join(worktree, "greeting.txt"), "hello from the host\n");
      const result = await open().exec(shell("cat greeting.txt; echo to-stderr >&2"));
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, "hello from the host\n");
      assert.equal(result.stderr, "to-stderr\n");
      assert.match(result.output, /hello from the host/);
      assert.equal(result.timedOut, false);
      assert.equal(result.truncated, false);
    });

    test("runs in a directory given relative to the worktree", { skip }, async () => {
      mkdirSync(path.join(worktree, "nested", "deeper"), { recursive: true });
      writeFileSync(path.join(worktree, "nested", "deeper", "marker.txt"), "found me\n");
      const result = await open().exec(shell("cat marker.txt", { cwd: "nested/deeper" }));
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, "found me\n");
    });

    test("runs at the worktree's own host path, so an absolute path written inside holds outside", {
      skip,
    }, async () => {
      // Made inside: a directory the host makes later may not be the sandbox user's (docker).
      const result = await open().exec(
        shell('mkdir nested && cd nested && pwd && printf "%s" "$(pwd)" > "$(pwd)/written-at.txt"'),
      );
      assert.equal(result.exitCode, 0, result.output);
      const inside = path.join(realpathSync(worktree), "nested");
      assert.equal(result.stdout, `${inside}\n`);
      assert.equal(readFileSync(path.join(worktree, "nested", "written-at.txt"), "utf8"), inside);
    });

    test("an isolating sandbox shows nothing beside the worktree on its way: parents hold only it", {
      skip: skip || (backend.isolates ? false : "the none backend shows the host as it is"),
    }, async () => {
      const sibling = `${worktree}.setup`;
      mkdirSync(sibling);
      try {
        const parent = path.dirname(realpathSync(worktree));
        const result = await open().exec(shell(`ls -A "${parent}"`));
        assert.equal(result.exitCode, 0, result.output);
        // The worktree, and at most the way to a toolchain this backend mounts (an image of its own mounts none).
        const shown = result.stdout.split("\n").filter(Boolean);
        const toolchains = toolchainEntriesUnder(parent);
        assert.ok(shown.includes(path.basename(worktree)), result.stdout);
        assert.deepEqual(
          shown.filter((entry) => entry !== path.basename(worktree) && !toolchains.includes(entry)),
          [],
        );
      } finally {
        rmSync(sibling, { recursive: true, force: true });
      }
    });

    test("refuses a working directory outside the worktree", { skip }, async () => {
      await assert.rejects(open().exec(shell("true", { cwd: "../.." })), /outside the worktree/);
    });

    test("passes a nonzero exit code through", { skip }, async () => {
      const result = await open().exec(shell("exit 7"));
      assert.equal(result.exitCode, 7);
    });

    test("kills the whole process tree at the timeout", { skip }, async () => {
      const marker = uniqueSleepMarker();
      const result = await open().exec(
        shell(`echo started; sleep ${marker} & sleep ${marker}`, { timeoutMs: 1_500 }),
      );
      assert.equal(result.timedOut, true);
      assert.notEqual(result.exitCode, 0);
      assert.match(result.output, /started/);
      assert.deepEqual(await survivorsWith(marker), []);
    });

    test("an aborted signal stops the command and everything it started", { skip }, async () => {
      const marker = uniqueSleepMarker();
      const controller = new AbortController();
      const pending = open().exec(shell(`sleep ${marker} & sleep ${marker}`, { signal: controller.signal }));
      assert.equal(await appearsWithin(marker), true);
      controller.abort();
      const result = await pending;
      assert.equal(result.timedOut, false);
      assert.notEqual(result.exitCode, 0);
      assert.deepEqual(await survivorsWith(marker), []);
    });

    test("a signal aborted before the call runs nothing", { skip }, async () => {
      const controller = new AbortController();
      controller.abort();
      const result = await open().exec(shell("echo ran > ran.txt", { signal: controller.signal }));
      assert.notEqual(result.exitCode, 0);
      assert.equal(existsSync(path.join(worktree, "ran.txt")), false);
    });

    test("truncates output over the cap and flags it", { skip }, async () => {
      const result = await open().exec(shell("yes slipway | head -c 200000", { maxOutputBytes: 1_000 }));
      assert.equal(result.exitCode, 0);
      assert.equal(result.truncated, true);
      assert.ok(Buffer.byteLength(result.output) <= 1_000, `kept ${Buffer.byteLength(result.output)} bytes`);
    });

    test("does not pass the platform's environment, only the allowlist and the request's extras", {
      skip,
    }, async () => {
      const canary = `secret-${randomInt(1e9)}`;
      process.env.SLIPWAY_TEST_CANARY = canary;
      try {
        const result = await open().exec({ ...shell("env"), env: { SLIPWAY_EXTRA: "requested" } });
        assert.equal(result.exitCode, 0);
        assert.doesNotMatch(result.output, new RegExp(canary));
        assert.doesNotMatch(result.output, /SLIPWAY_TEST_CANARY/);
        assert.match(result.output, /^SLIPWAY_EXTRA=requested$/m);
      } finally {
        delete process.env.SLIPWAY_TEST_CANARY;
      }
    });

    test("files the command writes in the worktree appear on the host", { skip }, async () => {
      const result = await open().exec(shell("mkdir -p out && echo made > out/result.txt"));
      assert.equal(result.exitCode, 0);
      assert.equal(readFileSync(path.join(worktree, "out", "result.txt"), "utf8"), "made\n");
    });

    test("feeds stdin to the command", { skip }, async () => {
      const result = await open().exec({
        command: "cat",
        args: [],
        stdin: "piped input\n",
        timeoutMs: 30_000,
        maxOutputBytes: 1024,
      });
      assert.equal(result.stdout, "piped input\n");
    });

    test("gives the command a writable HOME and TMPDIR", { skip }, async () => {
      const result = await open().exec(
        shell('echo h > "$HOME/h" && echo t > "$TMPDIR/t" && cat "$HOME/h" "$TMPDIR/t"'),
      );
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, "h\nt\n");
    });

    // `none` has no wall to find what a command left behind by: it says so on every run instead.
    const killSkip =
      skip || (backend.isolates ? false : `${backend.name} gives no isolation to end processes by`);
    test("killAll ends a running command and what it left outside its group; the sandbox stays usable", {
      skip: killSkip,
    }, async () => {
      const marker = uniqueSleepMarker();
      const writer = `while :; do echo beat >> beat.txt; sleep 0.05; done`;
      const running = open().exec(shell(`setsid sh -c '${writer}' ${marker} & sleep ${marker}`));
      const beat = path.join(worktree, "beat.txt");
      const size = () => (existsSync(beat) ? readFileSync(beat).length : 0);
      for (let waited = 0; size() === 0 && waited < 10_000; waited += 20) await sleep(20);
      assert.ok(size() > 0, "the writer ran before killAll");
      await open().killAll();
      assert.deepEqual(
        processesWithArgument(marker),
        [],
        "nothing of the command is left once killAll resolves",
      );
      const after = size();
      await sleep(300);
      assert.equal(size(), after, "nothing writes after killAll");
      assert.notEqual((await running).exitCode, 0, "the running command was ended");
      const next = await open().exec(shell("echo next"));
      assert.equal(next.stdout, "next\n");
    });

    test("dispose can be called twice", { skip }, async () => {
      await open().dispose();
      await open().dispose();
    });
  });
}
