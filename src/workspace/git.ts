// Runs real git with a hardened prefix, so no hook or code-running setting of a repository runs on the host.
import { spawn } from "node:child_process";
import { WorkspaceError } from "../core/errors.ts";
import { protectGitDir } from "./mirror-config.ts";

/**
 * Command-line settings that beat every repository config file. Git passes them on to the git
 * processes it starts itself (via GIT_CONFIG_PARAMETERS), so `worktree add`'s checkout and
 * submodule children get them too.
 */
export const hardenedConfig: readonly string[] = [
  // Hooks: /dev/null is not a directory, so no hook is ever found.
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "core.untrackedCache=false",
  "commit.gpgsign=false",
  "tag.gpgsign=false",
  "log.showSignature=false",
  // Verifying a signature (`%G?`, `--show-signature`) would run gpg on bytes the repository chose.
  "gpg.program=false",
  "gpg.ssh.program=false",
  "gpg.x509.program=false",
  // No attributes file outside the repository: with no filter or diff driver configured (global and
  // system config are off), a repository's own attributes name drivers that do not exist.
  "core.attributesFile=/dev/null",
  "core.pager=cat",
  // An empty value resets the list of helpers: no helper program runs.
  "credential.helper=",
  // Empty askpass stops git falling back to SSH_ASKPASS; GIT_TERMINAL_PROMPT=0 stops the prompt.
  "core.askPass=",
  "protocol.ext.allow=never",
  "submodule.recurse=false",
  "fetch.recurseSubmodules=false",
  // Only consulted when a repository has alternates; `true` lists no alternate refs instead of running
  // whatever command a repository's config names.
  "core.alternateRefsCommand=true",
  // Automatic gc stays on for the mirror, but in the foreground: no process outlives a git call.
  "gc.autoDetach=false",
  "maintenance.autoDetach=false",
];

/** Environment variables a caller's environment may pass on to git; every other GIT_* is dropped. */
const keptGitVariables = new Set(["GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT"]);

const fixedEnvironment: Record<string, string> = {
  // No global or system config and no system attributes: the user's ~/.gitconfig (git-lfs's filters,
  // url rewrites, helpers) must not run anything on a repository's content.
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_ATTR_NOSYSTEM: "1",
  GIT_TERMINAL_PROMPT: "0",
  GIT_OPTIONAL_LOCKS: "0",
  GIT_NO_REPLACE_OBJECTS: "1",
  GIT_PAGER: "cat",
  // Slipway always passes messages itself; an editor would mean a bug, so it fails loudly.
  GIT_EDITOR: "false",
  // English messages, so errors read the same everywhere.
  LC_ALL: "C",
};

const defaultTimeoutMs = 120_000;
/** Output beyond this is a runaway command, not a result. */
const maxOutputBytes = 256 * 1024 * 1024;

export interface RunGitOptions {
  /** Passed as `--git-dir`: never let git discover the repository from a `.git` file it finds. */
  gitDir?: string;
  /** Passed as `--work-tree`. */
  workTree?: string;
  cwd?: string;
  /** Extra environment (identity variables, for example), applied after the hardened defaults. */
  env?: Record<string, string>;
  /** Extra `-c key=value` settings, applied after the hardened ones. */
  config?: readonly string[];
  timeoutMs?: number;
  /** Stop git and fail when its output exceeds this (default 256 MiB). */
  maxOutputBytes?: number;
  signal?: AbortSignal;
  input?: string;
}

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** The environment git runs with: the caller's, minus repository-selecting GIT_* variables. */
export function gitEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key.startsWith("GIT_") && !keptGitVariables.has(key)) continue;
    env[key] = value;
  }
  return { ...env, ...fixedEnvironment, ...extra };
}

/** The full argv after `git`: hardened settings, explicit repository, then the command. */
export function gitArgv(args: readonly string[], options: RunGitOptions = {}): string[] {
  const argv = ["--no-pager"];
  for (const setting of [...hardenedConfig, ...(options.config ?? [])]) argv.push("-c", setting);
  if (options.gitDir !== undefined) argv.push(`--git-dir=${options.gitDir}`);
  if (options.workTree !== undefined) argv.push(`--work-tree=${options.workTree}`);
  return [...argv, ...args];
}

/** The line of git's stderr that says what went wrong: the first fatal/error line, else the first line. */
export function firstErrorLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? "no error output";
}

/** Thrown inside runGit when git exits non-zero; `exitCode` lets callers tell "absent" from "broken". */
export class GitCommandError extends WorkspaceError {
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(command: string, exitCode: number | null, stderr: string, reason?: string) {
    super(`git ${command} failed: ${reason ?? firstErrorLine(stderr)}`, {
      details: { command, exitCode, stderr: stderr.slice(0, 4000) },
    });
    this.name = "GitCommandError";
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** The git subcommand in `args`, for messages: the first word that is neither an option nor its value. */
function commandName(args: readonly string[]): string {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "-c" || arg === "-C") index++;
    else if (!arg.startsWith("-")) return arg;
  }
  return "";
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is already gone: nothing left to stop.
  }
}

/**
 * Run `git <args>` (argv, no shell) with the hardened prefix and environment. Resolves with its
 * output when git exits 0; otherwise throws a GitCommandError (a WorkspaceError) whose one-line
 * message holds git's own error line. Times out after `timeoutMs` (default 120 s). When the git
 * dir is a mirror (or a worktree's admin dir in one), its config is made Slipway's first.
 */
export async function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const repository = options.gitDir ?? options.cwd;
  if (repository !== undefined) await protectGitDir(repository);
  return spawnGit(args, options);
}

function spawnGit(args: readonly string[], options: RunGitOptions): Promise<GitResult> {
  const command = commandName(args);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const outputLimit = options.maxOutputBytes ?? maxOutputBytes;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new GitCommandError(command, null, "", "cancelled before it started"));
      return;
    }
    const child = spawn("git", gitArgv(args, options), {
      cwd: options.cwd,
      env: gitEnvironment(options.env),
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group, so a timeout also ends what git started (ssh, upload-pack).
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let stopReason: string | undefined;
    const stop = (reason: string): void => {
      stopReason ??= reason;
      killGroup(child.pid);
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > outputLimit) stop(`more than ${outputLimit} bytes of output`);
      else into.push(chunk);
    };
    const timer = setTimeout(
      () =>
        stop(`timed out after ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`),
      timeoutMs,
    );
    const onAbort = (): void => stop("cancelled");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const cleanUp = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };
    child.stdout.on("data", collect(stdout));
    child.stderr.on("data", collect(stderr));
    child.on("error", (error: NodeJS.ErrnoException) => {
      cleanUp();
      const reason =
        error.code === "ENOENT" ? "git is not installed or not on PATH; install git" : error.message;
      reject(new GitCommandError(command, null, "", reason));
    });
    child.on("close", (exitCode) => {
      cleanUp();
      const result = {
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      };
      if (exitCode === 0 && stopReason === undefined) resolve(result);
      else reject(new GitCommandError(command, exitCode, result.stderr, stopReason));
    });
    child.stdin.on("error", () => {
      // git closed its stdin without reading it: the exit code tells whether that mattered.
    });
    child.stdin.end(options.input ?? "");
  });
}
