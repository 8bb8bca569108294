// The `slipway` command line: registers the commands and maps errors to one line and an exit code.
import { Command, CommanderError } from "commander";
import { describeError, SlipwayError } from "../core/errors.ts";
import { errorExitCode } from "../core/exit-codes.ts";
import type { GlobalOptions } from "./app-context.ts";
import { registerDemoCommand } from "./command-demo.ts";
import { registerDoctorCommand } from "./command-doctor.ts";
import { registerInitCommand } from "./command-init.ts";
import { registerPrCommand } from "./command-pr.ts";
import { registerRunCommand } from "./command-run.ts";
import { registerRunsCommand } from "./command-runs.ts";
import { registerSandboxCommand } from "./command-sandbox.ts";
import { registerShowCommand } from "./command-show.ts";
import { registerStatsCommand } from "./command-stats.ts";
import { registerVerifyCommand } from "./command-verify.ts";

export function buildProgram(): Command {
  const program = new Command("slipway")
    .description(
      "Slipway turns a task into a verified, reviewed pull request: an agent in a sandbox, the repository's own checks, scope guards and an independent judge.",
    )
    .option("--data-dir <dir>", "where runs, mirrors and worktrees live (default ~/.slipway)")
    .option("--config <file>", "use this config file instead of ./slipway.yaml")
    .version("0.1.0")
    .showHelpAfterError("(run `slipway --help` for usage)")
    .exitOverride();
  const global = (): GlobalOptions => program.opts<GlobalOptions>();
  registerRunCommand(program, global);
  registerRunsCommand(program, global);
  registerShowCommand(program, global);
  registerStatsCommand(program, global);
  registerVerifyCommand(program, global);
  registerPrCommand(program, global);
  registerDemoCommand(program, global);
  registerInitCommand(program);
  registerDoctorCommand(program, global);
  registerSandboxCommand(program, global);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`slipway: ${describeError(error)}\n`);
    return errorExitCode(SlipwayError.isInstance(error) ? error.code : undefined);
  }
}
