// Detects a Python project's checks: ruff and mypy when the repository configures them, and
// pytest when it configures pytest or has test files, run in its uv, poetry, .venv or system
// environment. Reads files only; whether a tool is installed is judged from files and PATH.
import { entryKindInside, listDirectoryInside } from "../../workspace/safe-fs.ts";
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

/** Root entries looked at for a requirements file: a root this wide is not scanned further. */
const maxRootEntries = 10_000;

/**
 * The first file that marks `worktree` as a Python project, or undefined; `refused` when that
 * file is there but is not a regular file (a FIFO would hold every reader of it).
 */
async function findProjectFile(worktree: string): Promise<{ file: string; refused?: string } | undefined> {
  for (const file of projectFiles) {
    const kind = await entryKindInside(worktree, file);
    if (kind === "file") return { file };
    if (kind !== "missing") return { file, refused: kind };
  }
  // An unreadable root holds no project we can check.
  const root = await listDirectoryInside(worktree, ".", { maxEntries: maxRootEntries }).catch(
    () => undefined,
  );
  const found = root?.entries.find((entry) => entry.kind === "file" && requirementsFile.test(entry.name));
  return found ? { file: found.name } : undefined;
}

interface Context {
  worktree: string;
  defaults: DetectDefaults;
  environment: PythonEnvironment;
  searchPath: string;
  notes: string[];
}

async function toolCheck(
  context: Context,
  tool: PythonTool,
  config: ToolConfig | undefined,
): Promise<VerifierCommand> {
  const { command, args } = await pythonToolCommand(
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
async function linterCheck(context: Context, tool: "ruff" | "mypy", config: ToolConfig | undefined) {
  if (!config) return undefined;
  if (!(await findPythonTool(context.worktree, context.environment, tool, context.searchPath))) {
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
  if (!(await findPythonTool(context.worktree, context.environment, "pytest", context.searchPath))) {
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
  const project = await findProjectFile(worktree);
  if (!project) return undefined;
  if (project.refused) {
    const note = `python: ${project.file} is a ${project.refused}, not a regular file; it is not read, so no Python checks`;
    return { commands: [], notes: [note] };
  }
  const projectFile = project.file;
  const environment = await detectPythonEnvironment(worktree, searchPath);
  const configs = await readPythonToolConfigs(worktree);
  const notes = [`python: ${projectFile} found; tools run with ${environment.kind} (${environment.reason})`];
  const context: Context = { worktree, defaults, environment, searchPath, notes };
  const checks = [
    await linterCheck(context, "ruff", configs.ruff),
    await linterCheck(context, "mypy", configs.mypy),
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
