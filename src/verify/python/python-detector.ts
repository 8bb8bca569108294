// Detects a Python project's checks: ruff and mypy when the repository configures them, and
// pytest when it configures pytest or has test files, run in its uv, poetry, .venv or system
// environment. Reads files only; whether a tool is installed is judged from files and PATH.
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { DetectDefaults, EcosystemDetection, EcosystemDetector } from "../ecosystem.ts";
import type { VerifierCommand } from "../verifier.ts";
import { type PythonToolConfigs, readPythonToolConfigs, type ToolConfig } from "./python-config.ts";
import {
  detectPythonEnvironment,
  findPythonTool,
  type PythonEnvironment,
  type PythonTool,
  pythonToolCommand,
} from "./python-environment.ts";
import { findPythonTestFile } from "./python-test-files.ts";

/** Files whose presence at the root makes a repository a Python project. */
const projectFiles = ["pyproject.toml", "setup.cfg", "setup.py", "pytest.ini", "tox.ini"] as const;
const requirementsFile = /^requirements.*\.txt$/;

/** The arguments each tool runs with: machine-readable output the parsers read, no side effects. */
const toolArgs: Record<PythonTool, (config: ToolConfig | undefined) => string[]> = {
  // --no-fix: a `fix = true` in the config must not let a check rewrite the agent's files.
  ruff: () => ["check", "--no-fix", "--output-format=concise"],
  // Without `files` in its config, mypy needs a target; --no-pretty keeps one error per line.
  mypy: (config) => [
    "--no-pretty",
    "--no-color-output",
    "--show-column-numbers",
    ...(config?.keys.has("files") ? [] : ["."]),
  ],
  // -rfE: a summary line per failed or erroring test; --tb=short: its location and error lines.
  pytest: () => ["-rfE", "--tb=short"],
};

/** The first file that marks `worktree` as a Python project, or undefined. */
async function findProjectFile(worktree: string): Promise<string | undefined> {
  const found = projectFiles.find((file) => existsSync(path.join(worktree, file)));
  if (found) return found;
  // An unreadable root holds no project we can check.
  const entries = await readdir(worktree).catch((): string[] => []);
  return entries.find((entry) => requirementsFile.test(entry));
}

interface Context {
  worktree: string;
  defaults: DetectDefaults;
  environment: PythonEnvironment;
  searchPath: string;
  notes: string[];
}

function toolCheck(context: Context, tool: PythonTool, config: ToolConfig | undefined): VerifierCommand {
  const { command, args } = pythonToolCommand(
    context.worktree,
    context.environment,
    tool,
    toolArgs[tool](config),
  );
  return {
    name: tool,
    command,
    args,
    cwd: ".",
    parser: tool,
    speeds: ["fast", "full"],
    timeoutMs: context.defaults.timeoutMs,
  };
}

/** Where a tool was looked for, for a note saying it is missing. */
function lookedIn(environment: PythonEnvironment, tool: PythonTool): string {
  const places = [".venv/bin"];
  if (environment.lockfile) places.push(environment.lockfile);
  if (tool === "ruff") places.push("PATH");
  else if (environment.kind === "system") places.push("the python3 on PATH");
  return places.join(", ");
}

/** ruff or mypy: a check when configured and installed; a note when configured but missing. */
function linterCheck(context: Context, tool: "ruff" | "mypy", config: ToolConfig | undefined) {
  if (!config) return undefined;
  if (!findPythonTool(context.worktree, context.environment, tool, context.searchPath)) {
    context.notes.push(
      `python: ${tool} is configured (${config.source}) but not installed (not in ${lookedIn(context.environment, tool)}), so no ${tool} check`,
    );
    return undefined;
  }
  return toolCheck(context, tool, config);
}

/** pytest: a check when configured or when test files exist; a note when pytest is missing. */
async function pytestCheck(context: Context, configs: PythonToolConfigs) {
  const testFile = configs.pytest ? undefined : await findPythonTestFile(context.worktree);
  if (!configs.pytest && !testFile) {
    context.notes.push("python: no pytest configuration and no test_*.py or *_test.py files, so no tests");
    return undefined;
  }
  if (!findPythonTool(context.worktree, context.environment, "pytest", context.searchPath)) {
    context.notes.push(
      `python: tests found (${configs.pytest?.source ?? testFile}) but pytest is not installed (not in ${lookedIn(context.environment, "pytest")}); the pytest check fails until it is`,
    );
  }
  return toolCheck(context, "pytest", configs.pytest);
}

/**
 * The checks of the Python project at `worktree`, or undefined when it is not one. `searchPath`
 * is the PATH the checks will run with, used only to see whether tools exist.
 */
export async function detectPythonChecks(
  worktree: string,
  defaults: DetectDefaults,
  searchPath: string,
): Promise<EcosystemDetection | undefined> {
  const projectFile = await findProjectFile(worktree);
  if (!projectFile) return undefined;
  const environment = await detectPythonEnvironment(worktree, searchPath);
  const configs = await readPythonToolConfigs(worktree);
  const notes = [`python: ${projectFile} found; tools run with ${environment.kind} (${environment.reason})`];
  const context: Context = { worktree, defaults, environment, searchPath, notes };
  const checks = [
    linterCheck(context, "ruff", configs.ruff),
    linterCheck(context, "mypy", configs.mypy),
    await pytestCheck(context, configs),
  ];
  const commands = checks.filter((check): check is VerifierCommand => check !== undefined);
  return { commands, notes };
}

export const pythonDetector: EcosystemDetector = {
  name: "python",
  // The sandbox passes the platform's PATH through, so the host's PATH is where tools are found.
  detect: (worktree, defaults) => detectPythonChecks(worktree, defaults, process.env.PATH ?? ""),
};
