// Runs the real `slipway` command as a child process, as a user would, with its own data dir.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const slipwayBin = fileURLToPath(new URL("../../bin/slipway.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a CLI run: the host's, minus anything that could pick a real model or config. */
export function cliEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(SLIPWAY_|ANTHROPIC_|OPENAI_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, XDG_CONFIG_HOME: "/nonexistent-slipway-test-config", ...extra };
}

export function runCli(
  args: string[],
  options: {
    env: Record<string, string>;
    cwd?: string;
    timeoutMs?: number;
    /** A program and its arguments that run the CLI (e.g. setpriv dropping to another user). */
    runAs?: string[];
    /** What the CLI reads on stdin (closed after it); default: nothing, closed at once. */
    stdin?: string;
  },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [program, ...prefix] = [...(options.runAs ?? []), process.execPath];
    const child = spawn(program!, [...prefix, slipwayBin, ...args], { env: options.env, cwd: options.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `slipway ${args.join(" ")} did not end within ${options.timeoutMs ?? 120_000} ms\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.stdin.end(options.stdin ?? "");
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
