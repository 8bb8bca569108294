// Runs a setup plan's commands one after another in a sandbox, within one time budget; stops at
// the first failure and names its cause in one line. Secret values are handed to the commands'
// environment and blanked from everything this returns.
import type { Sandbox } from "../sandbox/sandbox.ts";
import { stripWorktreePrefixes, worktreeSpellings } from "../verify/finding-paths.ts";
import { firstErrorLine, redactSecrets } from "./setup-cause.ts";
import type { SetupCommand } from "./setup-detector.ts";

/** Output kept per command: enough for the cause line and the trace's tail. */
const maxOutputBytes = 1024 * 1024;
/** Characters of a failed command's output kept in its result (its tail). */
const tailChars = 2000;

export interface SetupCommandResult {
  name: string;
  cwd: string;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The failure's one-line cause (absent when the command passed). */
  cause?: string;
  /** The end of a failed command's output, secrets blanked. */
  outputTail?: string;
}

export interface SetupRunResult {
  passed: boolean;
  results: SetupCommandResult[];
  /** One line on why the setup failed: the failing command and its first error line. */
  cause?: string;
}

export interface RunSetupOptions {
  /** Secret variables by name, with their values: given to each command, blanked from the results. */
  secrets: Readonly<Record<string, string>>;
  /** The whole setup's time budget in ms (every command shares it). */
  timeoutMs: number;
  /** The minutes the budget stands for, for the timeout's cause line. */
  timeoutMinutes: number;
  signal: AbortSignal;
}

async function runOne(sandbox: Sandbox, command: SetupCommand, options: RunSetupOptions, leftMs: number) {
  return sandbox.exec({
    command: command.command,
    args: command.args,
    cwd: command.cwd,
    env: { ...command.env, ...options.secrets },
    timeoutMs: Math.max(1, leftMs),
    maxOutputBytes,
    signal: options.signal,
    // One long-lived space for the whole setup: its HOME (an .npmrc one command writes, the
    // package managers' caches) serves the next command. It is trusted as much as any command of
    // the repository's; the sandbox is ended (killAll, dispose) before the agent's is made.
    processSpace: "run",
  });
}

/** Run `commands` in `sandbox` in order, stopping at the first that fails or when the budget is spent. */
export async function runSetupCommands(
  sandbox: Sandbox,
  commands: readonly SetupCommand[],
  options: RunSetupOptions,
): Promise<SetupRunResult> {
  const secretValues = Object.values(options.secrets);
  const deadline = Date.now() + options.timeoutMs;
  const results: SetupCommandResult[] = [];
  for (const command of commands) {
    const left = deadline - Date.now();
    const name = redactSecrets(command.name, secretValues);
    if (left <= 0 || options.signal.aborted) {
      const cause = options.signal.aborted
        ? "setup was stopped"
        : `setup ran past setup.timeoutMinutes (${options.timeoutMinutes} min) before ${name}`;
      return { passed: false, results, cause };
    }
    const result = await runOne(sandbox, command, options, left);
    const passed = result.exitCode === 0 && !result.timedOut;
    const entry: SetupCommandResult = {
      name,
      cwd: command.cwd,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
    };
    results.push(entry);
    if (passed) continue;
    // Secrets first (a value may hold a path); then repository-relative paths in the cause and the
    // trace, as the worktree is mounted at its own host path.
    const redacted = redactSecrets(result.output, secretValues);
    const output = stripWorktreePrefixes(redacted, await worktreeSpellings(sandbox.worktree));
    entry.outputTail = output.slice(-tailChars);
    entry.cause = result.timedOut
      ? `${name} ran past setup.timeoutMinutes (${options.timeoutMinutes} min)`
      : `${name} failed (exit ${result.exitCode ?? result.signal}): ${firstErrorLine(output) ?? "no output"}`;
    return { passed: false, results, cause: entry.cause };
  }
  return { passed: true, results };
}

/** The values of the secret variables `names` in `environment`; missing ones are listed, not guessed. */
export function readSecrets(
  names: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
): { secrets: Record<string, string>; missing: string[] } {
  const secrets: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const value = environment[name];
    if (value === undefined || value === "") missing.push(name);
    else secrets[name] = value;
  }
  return { secrets, missing };
}
