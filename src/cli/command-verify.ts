// `slipway verify`: detect a repository's checks and run them in a sandbox, outside any agent
// run; prints what was detected and what the checks found. Exit 0 when all pass, 4 when one fails.
import { homedir } from "node:os";
import { type Command, Option } from "commander";
import { outcomeExitCodes } from "../core/exit-codes.ts";
import { chooseConfiguredSandbox } from "../sandbox/registry.ts";
import type { VerifierCommand, VerifySpeed } from "../verify/verifier.ts";
import {
  existingDirectory,
  type VerifyDirectoryResult,
  verifyDirectory,
} from "../verify/verify-directory.ts";
import { type GlobalOptions, openApp } from "./app-context.ts";
import { terminalSafe } from "./output/terminal-text.ts";

interface VerifyFlags {
  repo: string;
  speed: VerifySpeed;
  sandbox?: string;
  json: boolean;
}

const inPlaceHelp = `
The repository is used in place: no worktree, no copy, and Slipway itself writes nothing in it.
The checks it runs are the repository's own and may write there as they would in your shell
(build outputs such as dist/, caches such as tsconfig.tsbuildinfo or node_modules/.vite).
Your dependency caches (Go's module cache, ~/.cargo/registry and git, ~/.m2/repository,
~/.gradle/caches and wrapper/dists) are shown to the checks read-only, offline, while they run,
through overlays at .slipway-deps/ (needs root; otherwise a note says they are not); never
~/.m2/settings.xml, ~/.cargo/credentials, ~/.gradle/gradle.properties or ~/.netrc.

Exit codes: 0 every check passed (or none, declared by verify.none), 4 a check failed
or no check was found, 2 bad input or configuration.`;

function describeCommand(command: VerifierCommand): string {
  const line = [command.command, ...command.args].join(" ");
  const where = command.cwd === "." ? "" : `  (in ${command.cwd})`;
  const speeds = command.speeds.length === 1 ? `  [${command.speeds[0]} only]` : "";
  return `${line}${where}${speeds}`;
}

export function renderVerifyResult(result: VerifyDirectoryResult): string {
  const { commands, notes } = result.detected;
  const width = Math.max(0, ...commands.map((command) => command.name.length));
  const lines = [
    `repository  ${result.directory}`,
    `sandbox     ${result.sandbox}`,
    `speed       ${result.report.speed}`,
    "",
    `detected ${commands.length} ${commands.length === 1 ? "check" : "checks"}:`,
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${describeCommand(command)}`),
  ];
  if (notes.length > 0) lines.push("", "notes:", ...notes.map((note) => `  ${note}`));
  lines.push("", result.report.summary);
  const outcome = result.report.passed ? "passed" : "failed";
  const ran = result.report.results.length;
  lines.push(
    "",
    `verification ${outcome}: ${ran} ${ran === 1 ? "check" : "checks"} ran at speed ${result.report.speed}`,
  );
  return lines.join("\n");
}

/** An AbortSignal that fires on Ctrl-C or SIGTERM, so running checks are stopped, not orphaned. */
function interruptSignal(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals): void => controller.abort(new Error(`stopped by ${signal}`));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const release = (): void => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  };
  return { signal: controller.signal, release };
}

export function registerVerifyCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("verify")
    .description(
      "detect a repository's checks (build, tests, linters) and run them in a sandbox, outside any agent run",
    )
    .option("--repo <dir>", "the repository's directory, used in place", ".")
    .addOption(
      new Option("--speed <speed>", "fast: what the agent's verify tool runs; full: the gate after finish")
        .choices(["fast", "full"])
        .default("full"),
    )
    .option("--sandbox <backend>", "auto, bwrap, docker or none")
    .option("--json", "print what was detected and the results as JSON", false)
    .addHelpText("after", inPlaceHelp)
    .action(async (flags: VerifyFlags) => {
      // Checked before anything is opened, so bad input writes nothing.
      const directory = await existingDirectory(flags.repo);
      const configFlags = flags.sandbox === undefined ? {} : { sandbox: { backend: flags.sandbox } };
      const app = await openApp(global(), configFlags);
      const { signal, release } = interruptSignal();
      try {
        const backend = await chooseConfiguredSandbox(app.config.sandbox, app.dataDir);
        if (!backend.isolates)
          process.stderr.write("warning: sandbox 'none' — the checks run on this host without isolation\n");
        const result = await verifyDirectory({
          directory,
          speed: flags.speed,
          backend,
          memoryMb: app.config.sandbox.memoryMb,
          maxProcesses: app.config.sandbox.maxProcesses,
          checkTimeoutMs: app.config.verify.timeoutSeconds * 1000,
          summaryChars: app.config.verify.summaryChars,
          signal,
          hostCaches: { home: homedir(), env: process.env },
        });
        const { sandbox, detected, report } = result;
        const text = flags.json
          ? JSON.stringify({ directory: result.directory, sandbox, ...detected, ...report }, null, 2)
          : // Test names and messages are the repository's output: nothing of it acts on the terminal.
            terminalSafe(renderVerifyResult(result));
        process.stdout.write(`${text}\n`);
        process.exitCode = report.passed ? outcomeExitCodes.success : outcomeExitCodes.verify_failed;
      } finally {
        release();
        await app.store.close();
      }
    });
}
