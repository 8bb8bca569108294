// Breaches 3 and 15: a FIFO or a directory swapped for a link, planted by the agent in its own
// sandbox, must not hold a host-side file tool or detection, nor send its read or write outside
// the worktree. The race is built deterministically: a blocking open of the FIFO for writing
// completes exactly when the tool has opened it for reading, and the swap happens then.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { constants } from "node:fs";
import { mkdir, mkdtemp, open, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { bwrapSandboxBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { removeLeftoverContainers } from "../../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../../src/sandbox/docker/test-image.ts";
import { askingFor } from "../../src/sandbox/sandbox.contract.ts";
import type { Sandbox, SandboxBackend } from "../../src/sandbox/sandbox.ts";
import { createFileTool } from "../../src/tools/create-file.ts";
import { editFileTool } from "../../src/tools/edit-file.ts";
import { readFileTool } from "../../src/tools/read-file.ts";
import { runTool } from "../../src/tools/run-tool.ts";
import type { AgentTool, ToolContext, ToolResult } from "../../src/tools/tool.ts";
import { detectVerifiers } from "../../src/verify/detect.ts";

/** Times a reader that keeps reopening the FIFO is fed end-of-file before the test gives up on it. */
const maxFifoRounds = 4;
const hostSecret = "the host's own secret\n";
const dockerLabels = { "slipway.test": `file-races-${process.pid}` };

/**
 * Run `action` while watching the FIFO at `fifo`: each time the action opens it for reading, call
 * `whileHeld` (the swap) and then feed it `feed` and end-of-file. Returns whether it ever opened it.
 */
async function watchFifo<T>(
  fifo: string,
  action: Promise<T>,
  whileHeld: () => Promise<void> = async () => {},
  feed = "",
): Promise<{ opened: boolean; result: T }> {
  let opened = false;
  const finished = action.then(() => "finished" as const);
  for (let round = 0; round < maxFifoRounds; round++) {
    // A blocking open for writing returns only once a reader has the FIFO open: the sync point.
    const writer = open(fifo, constants.O_WRONLY);
    const first = await Promise.race([finished, writer.then(() => "opened" as const)]);
    if (first === "opened") {
      if (!opened) await whileHeld();
      opened = true;
      const handle = await writer;
      // EPIPE: the reader already gave up on it; what matters is that it opened it.
      await handle.writeFile(feed).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE") throw error;
      });
      await handle.close();
      continue;
    }
    // The action ended without opening it: our own reader lets the pending writer open return.
    const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    await (await writer).close();
    await reader.close();
    break;
  }
  return { opened, result: await action };
}

interface RaceBackend {
  label: string;
  backend: SandboxBackend;
  processSpace: "run" | "command";
  skip: string | false;
}

async function raceBackends(): Promise<RaceBackend[]> {
  const bwrap = await bwrapSandboxBackend.availability();
  const bwrapSkip = bwrap.available ? false : `bwrap is unavailable here: ${bwrap.reason}`;
  const dockerSkip = await dockerTestSkipReason();
  const docker = dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels: dockerLabels });
  return [
    { label: "bwrap", backend: bwrapSandboxBackend, processSpace: "run", skip: bwrapSkip },
    { label: "bwrap, own space", backend: bwrapSandboxBackend, processSpace: "command", skip: bwrapSkip },
    {
      label: "docker",
      backend: docker,
      processSpace: "run",
      skip: dockerSkip ? `no Docker engine here: ${dockerSkip}` : false,
    },
  ];
}

interface RaceRun {
  worktree: string;
  outside: string;
  sandbox: Sandbox;
  /** Run a shell script as the agent, in the worktree; fails the test when it does not exit 0. */
  agent(script: string): Promise<void>;
  call(tool: AgentTool, input: unknown): Promise<ToolResult>;
  dispose(): Promise<void>;
}

async function openRaceRun(entry: RaceBackend): Promise<RaceRun> {
  const base = await realpath(await mkdtemp(path.join(tmpdir(), "slipway-file-races-")));
  const worktree = path.join(base, "worktree");
  const outside = path.join(base, "outside");
  await mkdir(worktree);
  await mkdir(outside);
  await writeFile(path.join(outside, "target"), hostSecret);
  const created = await entry.backend.create({ worktree, allowHosts: [], memoryMb: 512, maxProcesses: 64 });
  const sandbox = askingFor(created, entry.processSpace);
  const context: ToolContext = {
    worktree,
    sandbox,
    commandAllowlist: [],
    commandTimeoutMs: 30_000,
    verify: async () => "verify: all checks passed",
    signal: AbortSignal.timeout(120_000),
  };
  return {
    worktree,
    outside,
    sandbox,
    async agent(script) {
      const result = await sandbox.exec({
        command: "sh",
        args: ["-c", script],
        timeoutMs: 30_000,
        maxOutputBytes: 64 * 1024,
      });
      assert.equal(result.exitCode, 0, `the agent's command failed: ${result.output}`);
    },
    call: (tool, input) => runTool(tool, input, context, { maxOutputChars: 100_000 }),
    async dispose() {
      try {
        await sandbox.dispose();
      } finally {
        await rm(base, { recursive: true, force: true });
      }
    },
  };
}

const backends = await raceBackends();
after(async () => {
  if (!backends.find((entry) => entry.label === "docker")?.skip)
    await removeLeftoverContainers({ maxAgeMs: 0, labels: dockerLabels });
});

for (const entry of backends) {
  if (entry.skip) console.log(`# skipping the file-race tests on ${entry.label}: ${entry.skip}`);
  describe(`file races: ${entry.label}`, { skip: entry.skip }, () => {
    let run: RaceRun;
    before(async () => {
      run = await openRaceRun(entry);
    });
    after(() => run?.dispose());

    test("read_file answers at once on a FIFO the agent made, without opening it", async () => {
      await run.agent("mkfifo pipe");
      const { opened, result } = await watchFifo(
        path.join(run.worktree, "pipe"),
        run.call(readFileTool, { path: "pipe" }),
      );
      assert.equal(
        opened,
        false,
        "read_file opened the FIFO (a FIFO without a writer would hold it forever)",
      );
      assert.deepEqual(result, {
        text: "pipe is a fifo, not a regular file; it is never opened",
        isError: true,
      });
    });

    test("read_file refuses a link the agent made to a host file", async () => {
      await run.agent(`ln -s '${path.join(run.outside, "target")}' host-link`);
      const result = await run.call(readFileTool, { path: "host-link" });
      assert.equal(result.isError, true);
      assert.doesNotMatch(result.text, /host's own secret/);
      assert.equal(
        result.text,
        'path "host-link" is outside the worktree; use a path relative to the repository root',
      );
    });

    test("create_file refuses a dangling link the agent aimed at a host path that does not exist yet", async () => {
      const planted = path.join(run.outside, "planted-by-link");
      await run.agent(`ln -s '${planted}' dangling`);
      const result = await run.call(createFileTool, { path: "dangling", content: "pwned\n" });
      assert.equal(result.isError, true, `create_file wrote through the link: ${result.text}`);
      assert.match(result.text, /dangling is a symbolic link/);
      assert.deepEqual(await readdir(run.outside), ["target"]);
    });

    // Each tool, in turn: the agent plants dir/target as a FIFO; while the tool has it open, the
    // agent swaps dir for a link to a host directory holding `target`.
    const swaps: { tool: AgentTool; input: Record<string, unknown>; feed: string }[] = [
      { tool: readFileTool, input: { path: "race-read/target" }, feed: "harmless\n" },
      { tool: createFileTool, input: { path: "race-create/target", content: "pwned\n" }, feed: "" },
      {
        tool: editFileTool,
        input: { path: "race-edit/target", oldText: "needle", newText: "pwned" },
        feed: "needle\n",
      },
    ];
    for (const { tool, input, feed } of swaps) {
      test(`${tool.name}: a directory swapped for a link while the tool holds a FIFO sends nothing outside`, async () => {
        const directory = String(input.path).split("/")[0]!;
        await run.agent(`mkdir ${directory} && mkfifo ${directory}/target`);
        const swap = () =>
          run.agent(`mv ${directory} ${directory}-moved && ln -s '${run.outside}' ${directory}`);
        const { opened, result } = await watchFifo(
          path.join(run.worktree, directory, "target"),
          run.call(tool, input),
          swap,
          feed,
        );
        assert.equal(
          opened,
          false,
          `${tool.name} opened the FIFO, so the agent could swap the directory under it`,
        );
        assert.equal(result.isError, true);
        assert.doesNotMatch(result.text, /host's own secret/);
        assert.deepEqual(await readdir(run.outside), ["target"]);
        assert.equal(await readFile(path.join(run.outside, "target"), "utf8"), hostSecret);
      });
    }
  });
}

describe("detection never follows a manifest link out of the repository", () => {
  test("a package.json linked to a host file gives a note, not the host file's scripts", async () => {
    const base = await realpath(await mkdtemp(path.join(tmpdir(), "slipway-linked-manifest-")));
    try {
      const worktree = path.join(base, "worktree");
      await mkdir(worktree);
      await writeFile(path.join(base, "host.json"), JSON.stringify({ scripts: { test: "echo host" } }));
      await symlink(path.join(base, "host.json"), path.join(worktree, "package.json"));
      const result = await detectVerifiers(worktree);
      assert.deepEqual(result.commands, []);
      assert.ok(
        result.notes.some((line) => /node: package\.json is a symlink/.test(line)),
        `no note saying package.json is a link: ${result.notes.join(" | ")}`,
      );
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe("detection never opens a FIFO the repository names as a manifest", () => {
  const manifests: { file: string; note: RegExp }[] = [
    { file: "package.json", note: /node: package\.json is a fifo/ },
    { file: "pyproject.toml", note: /python: pyproject\.toml is a fifo/ },
    { file: "Cargo.toml", note: /rust: Cargo\.toml is a fifo/ },
    { file: "go.mod", note: /go: go\.mod is a fifo/ },
  ];
  for (const { file, note } of manifests) {
    test(`a FIFO named ${file}: detection finishes with a note and no check from it`, async () => {
      const worktree = await realpath(await mkdtemp(path.join(tmpdir(), "slipway-fifo-manifest-")));
      try {
        execFileSync("mkfifo", [path.join(worktree, file)]);
        const { opened, result } = await watchFifo(path.join(worktree, file), detectVerifiers(worktree));
        assert.equal(opened, false, `detection opened the FIFO ${file} (it hung the gate for ten minutes)`);
        assert.ok(
          result.notes.some((line) => note.test(line)),
          `no note saying ${file} is a FIFO: ${result.notes.join(" | ")}`,
        );
        assert.deepEqual(result.commands, []);
      } finally {
        await rm(worktree, { recursive: true, force: true });
      }
    });
  }
});
