// `slipway sandbox exec [--] CMD ARGS…`: runs one command in the walls an agent's command runs in
// (same backend choice, limits, time limit and output cap; not the agent's command allowlist: the
// user names the command, not the agent), on a repository exposed as a run
// exposes it (a fresh worktree of its mirror, so its `.git` is out of reach), prints its output and
// exits with its exit code.
import { existsSync, statSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { resolveDataDir } from "../config/data-dir.ts";
import { loadConfig } from "../config/load-config.ts";
import { InputError, SlipwayError } from "../core/errors.ts";
import { formatDuration } from "../report/figures.ts";
import { chooseConfiguredSandbox } from "../sandbox/registry.ts";
import type { ExecRequest, ExecResult, SandboxOptions } from "../sandbox/sandbox.ts";
import { sandboxOptionsFor } from "../sandbox/sandbox-options.ts";
import { commandOutputBytes } from "../tools/run-command.ts";
import { findGitEntry } from "../workspace/git-entries.ts";
import { resolveRepoSource } from "../workspace/repo-source.ts";
import { openScratchWorktree } from "../workspace/scratch-worktree.ts";
import type { GlobalOptions } from "./app-context.ts";

interface ExecFlags {
  backend?: string;
  repo?: string;
  allowHost: string[];
}

/** Exit status of a command stopped at its time limit, as `timeout(1)` reports it. */
export const timedOutExitCode = 124;

/** For `--allow-host`: each occurrence adds a host name. */
function collectHost(value: string, previous: string[]): string[] {
  const host = value.trim();
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(host))
    throw new InputError(`--allow-host ${value}: expected a host name`);
  return [...previous, host];
}

function worktreeDirectory(repo: string | undefined): string {
  const directory = path.resolve(repo ?? process.cwd());
  const stat = statSync(directory, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new InputError(
      `--repo ${repo ?? directory} is not a directory; pass the directory to run the command in`,
    );
  }
  return directory;
}

/** The exit status that says how the command ended: its code, 124 at the time limit, 128+n for signal n. */
export function exitStatusOf(result: ExecResult): number {
  if (result.timedOut) return timedOutExitCode;
  if (result.exitCode !== null) return result.exitCode;
  const number = result.signal ? constants.signals[result.signal as NodeJS.Signals] : undefined;
  return 128 + (number ?? 9);
}

/** What the sandbox sees as its worktree, where inside it the command starts, and how to clean up. */
interface ExposedWorktree {
  worktree: string;
  /** Relative to the worktree root; "" for the root. */
  cwd: string;
  dispose(): Promise<void>;
}

/** The repository's top level (or bare git dir) holding `directory`, or undefined outside any repository. */
async function repositoryOf(directory: string): Promise<string | undefined> {
  try {
    return await resolveRepoSource(directory);
  } catch (error) {
    if (
      SlipwayError.isInstance(error) &&
      error.code === "repo_invalid" &&
      /is not a git repository/.test(error.message)
    )
      return undefined;
    throw error;
  }
}

/**
 * Expose `directory` as a run would: a repository (or a directory inside one) as a fresh worktree
 * of its mirror at HEAD, which the command may change freely while the repository's `.git` stays
 * out of its reach; a plain directory as itself, unless a `.git` is anywhere inside it.
 */
async function exposeDirectory(directory: string, dataDir: string): Promise<ExposedWorktree> {
  const repository = await repositoryOf(directory);
  if (repository === undefined) {
    const gitEntry = findGitEntry(directory);
    if (gitEntry !== undefined) {
      throw new InputError(
        `--repo ${directory} holds a git repository at ${gitEntry}; pass the repository's own directory, which the command then sees as a run does`,
      );
    }
    return { worktree: directory, cwd: "", dispose: async () => undefined };
  }
  const scratch = await openScratchWorktree(repository, dataDir);
  const cwd = path.relative(repository, directory);
  if (cwd.startsWith("..") || !existsSync(path.join(scratch.worktreePath, cwd))) {
    await scratch.dispose();
    throw new InputError(
      `--repo ${directory} is not in the HEAD commit of ${repository}; pass a committed directory`,
    );
  }
  process.stderr.write(
    `slipway: running in a fresh worktree of ${repository} at HEAD (${scratch.baseCommit.slice(0, 12)}), as a run does: uncommitted changes are not in it, and what the command changes is discarded\n`,
  );
  return { worktree: scratch.worktreePath, cwd, dispose: scratch.dispose };
}

/** The sandbox options and the request for `argv`, from the configuration: what an agent's command gets. */
export function sandboxExecPlan(
  config: Parameters<typeof sandboxOptionsFor>[0],
  worktree: string,
  allowHosts: string[],
  argv: string[],
  cwd = "",
): { options: SandboxOptions; request: Omit<ExecRequest, "signal"> } {
  const [command, ...args] = argv;
  if (!command) throw new InputError("no command: pass it after --, e.g. `slipway sandbox exec -- npm test`");
  return {
    options: sandboxOptionsFor(config, worktree, allowHosts),
    request: {
      command,
      args,
      timeoutMs: config.commands.timeoutSeconds * 1000,
      maxOutputBytes: commandOutputBytes,
      processSpace: "run",
      ...(cwd === "" ? {} : { cwd }),
    },
  };
}

/** Stop the command (and its whole tree) when this process is asked to stop. */
function abortOnSignals(controller: AbortController): () => void {
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  };
}

async function runInSandbox(global: GlobalOptions, flags: ExecFlags, argv: string[]): Promise<number> {
  const { config } = loadConfig({
    explicitFile: global.config,
    projectDir: process.cwd(),
    env: process.env,
    flags: flags.backend ? { sandbox: { backend: flags.backend } } : {},
  });
  const dataDir = resolveDataDir(global.dataDir ?? config.dataDir, process.env);
  const directory = worktreeDirectory(flags.repo);
  // Checked before anything is made: no command or no backend means no worktree either.
  sandboxExecPlan(config, directory, flags.allowHost, argv);
  const backend = await chooseConfiguredSandbox(config.sandbox, dataDir);
  const exposed = await exposeDirectory(directory, dataDir);
  try {
    const plan = sandboxExecPlan(config, exposed.worktree, flags.allowHost, argv, exposed.cwd);
    return await execPlan(config, backend, plan);
  } finally {
    await exposed.dispose();
  }
}

async function execPlan(
  config: ReturnType<typeof loadConfig>["config"],
  backend: Awaited<ReturnType<typeof chooseConfiguredSandbox>>,
  plan: ReturnType<typeof sandboxExecPlan>,
): Promise<number> {
  if (!backend.isolates) {
    process.stderr.write(
      `slipway: sandbox "${backend.name}" gives no isolation: the command runs on this host as you\n`,
    );
  }
  const sandbox = await backend.create(plan.options);
  const controller = new AbortController();
  const release = abortOnSignals(controller);
  try {
    const result = await sandbox.exec({ ...plan.request, signal: controller.signal });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    if (result.truncated)
      process.stderr.write(`slipway: output beyond ${commandOutputBytes} bytes was dropped\n`);
    if (result.timedOut) {
      process.stderr.write(
        `slipway: timed out after ${formatDuration(config.commands.timeoutSeconds * 1000)} (commands.timeoutSeconds); the command was killed\n`,
      );
    }
    return exitStatusOf(result);
  } finally {
    release();
    await sandbox.dispose();
  }
}

export function registerSandboxCommand(program: Command, global: () => GlobalOptions): void {
  // Everything after the command's program belongs to it (`sandbox exec python3 -V` is python's -V,
  // not Slipway's version): options of slipway and `sandbox` are read only before their subcommand.
  program.enablePositionalOptions();
  const sandbox = program
    .command("sandbox")
    .description("run commands inside a sandbox, as the agent's commands run")
    .enablePositionalOptions();
  sandbox
    .command("exec")
    .passThroughOptions()
    .description(
      "run one command in the sandbox an agent's command runs in (same walls and limits; commands.allowlist is the agent's and not applied here); exits with its exit code",
    )
    .usage("[--backend bwrap|docker|none] [--repo DIR] [--allow-host HOST]... [--] CMD [ARGS...]")
    .option("--backend <name>", "bwrap, docker, none or auto (default: the configured sandbox.backend)")
    .option(
      "--repo <dir>",
      "the repository the command sees, as a run does: a fresh worktree of it at HEAD, its .git out of reach, changes discarded (default: the current directory; a plain directory is used as it is)",
    )
    .option(
      "--allow-host <host>",
      "a host the command may reach through the egress proxy (repeatable)",
      collectHost,
      [],
    )
    .argument("<command...>", "the program and its arguments (every option after the program is its own)")
    .exitOverride()
    .action(async (argv: string[], flags: ExecFlags) => {
      process.exitCode = await runInSandbox(global(), flags, argv);
    });
}
