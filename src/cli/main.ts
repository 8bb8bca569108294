// The `slipway` command line: registers the commands and maps errors to one line and an exit code.
// Start-up loads only the command that argv names: each command's module (and the store, models,
// sandboxes and SDKs it pulls in) is imported on demand, so `--help` or `runs` stays cheap.

import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { dropBlankVariables } from "../config/env-overrides.ts";
import type { GlobalOptions } from "./app-context.ts";
import { watchStdoutClosed } from "./output/stdout-closed.ts";

type Register = (program: Command, global: () => GlobalOptions) => void;

interface CommandEntry {
  name: string;
  /** The one-line description the top-level help shows; a test checks it equals the command's own. */
  summary: string;
  load: () => Promise<Register>;
}

/** Every command, in the order the help lists them. */
export const commandTable: readonly CommandEntry[] = [
  {
    name: "run",
    summary: "run the agent on a repository until the task's end state is reached and verified",
    load: async () => (await import("./command-run.ts")).registerRunCommand,
  },
  {
    name: "worker",
    summary:
      "execute queued runs (`slipway run --detach`) until stopped; many workers can share one data directory",
    load: async () => (await import("./command-worker.ts")).registerWorkerCommand,
  },
  {
    name: "logs",
    summary: "print a run's events; -f follows a queued or running run until it ends",
    load: async () => (await import("./command-logs.ts")).registerLogsCommand,
  },
  {
    name: "cancel",
    summary: "cancel a queued or running run (its worker stops the agent, checks and sandbox)",
    load: async () => (await import("./command-cancel.ts")).registerCancelCommand,
  },
  {
    name: "runs",
    summary: "list past runs, newest first",
    load: async () => (await import("./command-runs.ts")).registerRunsCommand,
  },
  {
    name: "show",
    summary: "print a run's report and its whole trace",
    load: async () => (await import("./command-show.ts")).registerShowCommand,
  },
  {
    name: "stats",
    summary: "outcomes, judge veto rate, course-correction rate and cost across every run (or the last n)",
    load: async () => (await import("./command-stats.ts")).registerStatsCommand,
  },
  {
    name: "budget",
    summary: "model spend today and this month (UTC) against each budget, overall and per repository",
    load: async () => (await import("./command-budget.ts")).registerBudgetCommand,
  },
  {
    name: "verify",
    summary:
      "detect a repository's checks (build, tests, linters) and run them in a sandbox, outside any agent run",
    load: async () => (await import("./command-verify.ts")).registerVerifyCommand,
  },
  {
    name: "setup",
    summary:
      "detect how a repository installs its dependencies and run it in a sandbox that reaches only the package registries",
    load: async () => (await import("./command-setup.ts")).registerSetupCommand,
  },
  {
    name: "cache",
    summary: "list or prune the warm dependency snapshots that let a run skip its install",
    load: async () => (await import("./command-cache.ts")).registerCacheCommand,
  },
  {
    name: "pr",
    summary:
      "pull requests runs opened: list, show, watch (CI and /slipway follow-ups); approve, close or comment on the local forge's review requests",
    load: async () => (await import("./command-pr.ts")).registerPrCommand,
  },
  {
    name: "demo",
    summary: "run the whole pipeline on a bundled example project with a SCRIPTED model (no account needed)",
    load: async () => (await import("./command-demo.ts")).registerDemoCommand,
  },
  {
    name: "init",
    summary: "write slipway.yaml in the current directory (asks a few questions on a terminal)",
    load: async () => (await import("./command-init.ts")).registerInitCommand,
  },
  {
    name: "doctor",
    summary:
      "check the sandboxes, node and git, the model (key, reachability), the forge token and the pnpm/yarn package.json pins, and say what to do next",
    load: async () => (await import("./command-doctor.ts")).registerDoctorCommand,
  },
  {
    name: "sandbox",
    summary: "run commands inside a sandbox, as the agent's commands run",
    load: async () => (await import("./command-sandbox.ts")).registerSandboxCommand,
  },
];

/** Global options that take a value: the word after them is that value, not a command name. */
const globalOptionsWithValue = new Set(["--data-dir", "--config"]);

/** The command argv names (`help <command>` names it too), or undefined for none. */
export function commandNamed(argv: readonly string[]): string | undefined {
  let sawHelp = false;
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index]!;
    if (word === "--") return undefined;
    if (globalOptionsWithValue.has(word)) {
      index += 1;
      continue;
    }
    if (word.startsWith("-")) continue;
    if (word === "help" && !sawHelp) {
      sawHelp = true;
      continue;
    }
    return word;
  }
  return undefined;
}

/** This package's version, from its package.json (two levels up from both src/cli and dist/cli). */
export function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const version = (manifest as { version?: unknown }).version;
  if (typeof version !== "string") throw new Error("slipway's package.json has no version");
  return version;
}

/**
 * The program with every command listed; `load` names the commands registered in full (their
 * modules imported), the others are one-line entries for the help. `undefined` loads them all.
 */
export async function buildProgram(load?: ReadonlySet<string>): Promise<Command> {
  const program = new Command("slipway")
    .description(
      "Slipway turns a task into a verified, reviewed pull request: an agent in a sandbox, the repository's own checks, scope guards and an independent judge.",
    )
    .option("--data-dir <dir>", "where runs, mirrors and worktrees live (default ~/.slipway)")
    .option("--config <file>", "use this config file instead of ./slipway.yaml")
    .version(packageVersion())
    .showHelpAfterError("(run `slipway --help` for usage)")
    .exitOverride();
  const global = (): GlobalOptions => program.opts<GlobalOptions>();
  const registers = await Promise.all(
    commandTable.map((entry) => (load === undefined || load.has(entry.name) ? entry.load() : undefined)),
  );
  commandTable.forEach((entry, index) => {
    const register = registers[index];
    if (register) register(program, global);
    else program.command(entry.name).description(entry.summary);
  });
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // Before any command (and the provider SDKs it loads) reads the environment: blank is unset.
  dropBlankVariables(process.env);
  watchStdoutClosed();
  try {
    const named = commandNamed(argv);
    // One command per process: zod's compiled fast path (a generated function per object schema,
    // built on its first parse) costs more to build than it saves on the few values a command
    // parses. Not loaded for `--help` and `--version`, which parse nothing.
    if (named !== undefined) (await import("zod")).z.config({ jitless: true });
    const program = await buildProgram(new Set(named === undefined ? [] : [named]));
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    // The error module is loaded only when something failed: it is not needed to start.
    const { describeError, SlipwayError } = await import("../core/errors.ts");
    const { errorExitCode } = await import("../core/exit-codes.ts");
    const { terminalSafe } = await import("./output/terminal-text.ts");
    // A message can quote a path, a branch, a check's output or a model's error body: hostile text.
    process.stderr.write(`slipway: ${terminalSafe(describeError(error))}\n`);
    return errorExitCode(SlipwayError.isInstance(error) ? error.code : undefined);
  }
}
