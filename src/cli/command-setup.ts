// `slipway setup`: detect how a repository installs its dependencies and run that in a sandbox that
// reaches only the package registries, outside any agent run; prints what it detected and why.
import type { Command } from "commander";
import { outcomeExitCodes } from "../core/exit-codes.ts";
import { formatDuration } from "../report/figures.ts";
import { chooseConfiguredSandbox } from "../sandbox/registry.ts";
import { type SetupDirectoryResult, setupDirectory } from "../setup/setup-directory.ts";
import { existingDirectory } from "../verify/verify-directory.ts";
import { type GlobalOptions, openApp } from "./app-context.ts";
import { terminalSafe } from "./output/terminal-text.ts";

interface SetupFlags {
  repo: string;
  sandbox?: string;
  dryRun: boolean;
  json: boolean;
}

const inPlaceHelp = `
The repository is used in place: the install writes where it would in your shell (node_modules,
.venv). Secrets named in setup.secretEnv are handed to the install commands only. Each package
folder with a lockfile or module of its own (web/, services/api, tools/) is installed in that
folder; a packageManager pin of pnpm or yarn is installed with corepack first.

Exit codes: 0 setup passed (or nothing to install), 16 setup failed, 2 bad input or configuration.`;

export function renderSetupResult(outcome: SetupDirectoryResult): string {
  const { plan, result } = outcome;
  const lines = [
    `repository  ${outcome.directory}`,
    `sandbox     ${outcome.sandbox}`,
    `hosts       ${plan.allowHosts.join(", ") || "none (no network)"}`,
    `secrets     ${plan.secretNames.join(", ") || "none"}`,
    "",
    `${plan.source} ${plan.commands.length} ${plan.commands.length === 1 ? "command" : "commands"}:`,
    ...plan.commands.map(
      (command) => `  ${command.name}${command.cwd === "." ? "" : `  (in ${command.cwd})`}`,
    ),
  ];
  if (plan.notes.length > 0) lines.push("", "why:", ...plan.notes.map((note) => `  ${note}`));
  if (result) {
    lines.push(
      "",
      ...result.results.map(
        (entry) => `  ${entry.cause ? "✗" : "✓"} ${entry.name}  ${formatDuration(entry.durationMs)}`,
      ),
    );
    lines.push("", result.passed ? "setup passed" : `setup failed: ${result.cause}`);
  }
  return lines.join("\n");
}

export function registerSetupCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("setup")
    .description(
      "detect how a repository installs its dependencies and run it in a sandbox that reaches only the package registries",
    )
    .option("--repo <dir>", "the repository's directory, used in place", ".")
    .option("--sandbox <backend>", "auto, bwrap, docker or none")
    .option("--dry-run", "print what was detected and why; install nothing", false)
    .option("--json", "print the plan and the results as JSON", false)
    .addHelpText("after", inPlaceHelp)
    .action(async (flags: SetupFlags) => {
      // Checked before anything is opened, so bad input writes nothing.
      const directory = await existingDirectory(flags.repo);
      const configFlags = flags.sandbox === undefined ? {} : { sandbox: { backend: flags.sandbox } };
      const app = await openApp(global(), configFlags);
      const controller = new AbortController();
      const stop = (): void => controller.abort(new Error("stopped"));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        const backend = await chooseConfiguredSandbox(app.config.sandbox, app.dataDir);
        if (!backend.isolates)
          process.stderr.write("warning: sandbox 'none' — the install runs on this host without isolation\n");
        const outcome = await setupDirectory({
          directory,
          backend,
          config: app.config,
          dryRun: flags.dryRun,
          signal: controller.signal,
        });
        // Install output and package.json fields are the repository's: nothing of them acts on the terminal.
        const text = flags.json ? JSON.stringify(outcome, null, 2) : terminalSafe(renderSetupResult(outcome));
        process.stdout.write(`${text}\n`);
        const passed = outcome.result?.passed ?? true;
        process.exitCode = passed ? outcomeExitCodes.success : outcomeExitCodes.setup_failed;
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        await app.store.close();
      }
    });
}
