// Test support for the tool tests: a real temp worktree, a real `none` sandbox and a ToolContext;
// for the git tool, a real mirror of a source repository and a worktree of it.
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { noneSandboxBackend } from "../sandbox/none/none-sandbox.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";
import { ensureMirror } from "../workspace/mirror-cache.ts";
import { createWorktree, removeWorktree } from "../workspace/worktree.ts";
import { runTool } from "./run-tool.ts";
import type { AgentTool, ToolContext, ToolResult } from "./tool.ts";

export interface ToolFixture {
  /** Absolute, symlink-free path of the temp worktree. */
  worktree: string;
  /** A temp directory beside the worktree, for escape attempts to aim at. */
  outside: string;
  context: ToolContext;
  /** Write a file under the worktree, creating parent directories. */
  write(relative: string, content: string | Uint8Array): Promise<void>;
  read(relative: string): Promise<string>;
  /** Run `tool` through the production wrapper with a generous output cap. */
  call(tool: AgentTool, input: unknown, maxOutputChars?: number): Promise<ToolResult>;
  dispose(): Promise<void>;
}

/** A `none` sandbox on `worktree` and the default context around it; `overrides` replace its fields. */
async function sandboxContext(worktree: string, overrides: Partial<ToolContext>): Promise<ToolContext> {
  const sandbox: Sandbox = await noneSandboxBackend.create({
    worktree,
    allowHosts: [],
    memoryMb: 512,
    maxProcesses: 64,
  });
  return {
    worktree,
    sandbox,
    commandAllowlist: [],
    commandTimeoutMs: 30_000,
    verify: async () => "verify: all checks passed",
    signal: AbortSignal.timeout(120_000),
    ...overrides,
  };
}

/** Create a worktree and sandbox; `overrides` replace fields of the default context. */
export async function createToolFixture(overrides: Partial<ToolContext> = {}): Promise<ToolFixture> {
  const base = await realpath(await mkdtemp(path.join(tmpdir(), "slipway-tools-")));
  const worktree = path.join(base, "worktree");
  const outside = path.join(base, "outside");
  await mkdir(worktree);
  await mkdir(outside);
  const context = await sandboxContext(worktree, overrides);
  const { sandbox } = context;
  return {
    worktree,
    outside,
    context,
    async write(relative, content) {
      const target = path.join(worktree, relative);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    },
    read: (relative) => readFile(path.join(worktree, relative), "utf8"),
    call: (tool, input, maxOutputChars = 1_000_000) => runTool(tool, input, context, { maxOutputChars }),
    async dispose() {
      await sandbox.dispose();
      await rm(base, { recursive: true, force: true });
    },
  };
}

export interface GitToolFixture {
  mirrorPath: string;
  /** The run's worktree: `<data dir>/worktrees/run-1`, on branch `slipway/<name>`. */
  worktree: string;
  context: ToolContext;
  /** Run `tool` through the production wrapper with a generous output cap. */
  call(tool: AgentTool, input: unknown): Promise<ToolResult>;
  dispose(): Promise<void>;
}

/** Mirror the git repository at `source` into a temp data dir, check out its HEAD as a run's worktree, and give it a context. */
export async function createGitToolFixture(source: string, name: string): Promise<GitToolFixture> {
  const dataDir = await realpath(await mkdtemp(path.join(tmpdir(), `slipway-${name}-`)));
  const { mirrorPath } = await ensureMirror(source, dataDir);
  const worktree = path.join(dataDir, "worktrees", "run-1");
  await createWorktree({ mirrorPath, baseRef: "HEAD", branch: `slipway/${name}`, worktreePath: worktree });
  const context = await sandboxContext(worktree, { mirrorPath });
  const { sandbox } = context;
  return {
    mirrorPath,
    worktree,
    context,
    call: (tool, input) => runTool(tool, input, context, { maxOutputChars: 1_000_000 }),
    async dispose() {
      await sandbox.dispose();
      await removeWorktree(mirrorPath, worktree);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
