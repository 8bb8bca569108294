// Which environment a Python repository's tools run in — uv, poetry, a project .venv, or the
// system's python3 — the argv that runs a tool there, and whether the tool looks installed.
import path from "node:path";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import { entryKindInside, readRegularFileInside } from "../../workspace/safe-fs.ts";
import { findSystemPythonModule } from "./system-python.ts";

export const pythonTools = ["pytest", "ruff", "mypy"] as const;
export type PythonTool = (typeof pythonTools)[number];

export const pythonEnvironmentKinds = ["uv", "poetry", "venv", "system"] as const;
export type PythonEnvironmentKind = (typeof pythonEnvironmentKinds)[number];

export interface PythonEnvironment {
  kind: PythonEnvironmentKind;
  /** Why this environment, for the detection notes. */
  reason: string;
  /** The lockfile whose packages the environment manager installs (uv, poetry). */
  lockfile?: string;
  /** Normalised names of the packages that lockfile pins. */
  locked: ReadonlySet<string>;
}

const venvPython = path.join(".venv", "bin", "python");
/** Lockfiles larger than this are not read for package names. */
const maxLockfileBytes = 16 * 1024 * 1024;

/** PEP 503 normalisation: `Ruff`, `ruff_x` and `ruff.x` name the same package as `ruff-x`. */
export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** Package names in a uv.lock or poetry.lock (`name = "…"` under each `[[package]]`). */
export function lockedPackages(lockText: string): Set<string> {
  const names = new Set<string>();
  for (const match of lockText.matchAll(/^name = "([^"]+)"/gm)) names.add(normalizePackageName(match[1]!));
  return names;
}

async function readLocked(worktree: string, lockfile: string): Promise<Set<string>> {
  try {
    const bytes = await readRegularFileInside(worktree, lockfile, { maxBytes: maxLockfileBytes });
    return lockedPackages(bytes.toString("utf8"));
  } catch {
    // An unreadable, huge or special lockfile pins nothing we can see; the manager will report it when it runs.
    return new Set();
  }
}

const managers: readonly { kind: "uv" | "poetry"; lockfile: string }[] = [
  { kind: "uv", lockfile: "uv.lock" },
  { kind: "poetry", lockfile: "poetry.lock" },
];

/**
 * Pick the environment of the repository at `worktree`: uv.lock → uv, poetry.lock → poetry (when
 * the manager is on `searchPath`, else the project's .venv if there is one), then .venv, then
 * the system's python3.
 */
export async function detectPythonEnvironment(
  worktree: string,
  searchPath: string,
): Promise<PythonEnvironment> {
  const hasVenv = await presentInside(worktree, venvPython);
  for (const { kind, lockfile } of managers) {
    if ((await entryKindInside(worktree, lockfile)) !== "file") continue;
    const locked = await readLocked(worktree, lockfile);
    if (findOnPath(kind, searchPath)) return { kind, reason: lockfile, lockfile, locked };
    if (hasVenv) {
      return { kind: "venv", reason: `${lockfile}, but ${kind} is not on PATH, so ${venvPython}`, locked };
    }
    const reason = `${lockfile}; ${kind} is not on PATH, so the checks fail until it is installed`;
    return { kind, reason, lockfile, locked };
  }
  if (hasVenv) return { kind: "venv", reason: `${venvPython} exists`, locked: new Set() };
  return { kind: "system", reason: "no uv.lock, poetry.lock or .venv, so python3", locked: new Set() };
}

function runnerPrefix(kind: PythonEnvironmentKind): string[] {
  // --frozen: run what uv.lock pins and never rewrite the lockfile as a side effect of a check.
  if (kind === "uv") return ["uv", "run", "--frozen"];
  if (kind === "poetry") return ["poetry", "run"];
  return [];
}

/**
 * Whether an executable of the project's .venv is there. Its python is a link to an interpreter
 * outside the worktree: present as a link, never followed here (only the sandbox runs it).
 */
async function presentInside(worktree: string, file: string): Promise<boolean> {
  const kind = await entryKindInside(worktree, file);
  return kind === "file" || kind === "symlink";
}

/** Where `tool` was found for `environment`, or undefined when it does not look installed. */
export async function findPythonTool(
  worktree: string,
  environment: PythonEnvironment,
  tool: PythonTool,
  searchPath: string,
): Promise<string | undefined> {
  const inVenv = path.join(".venv", "bin", tool);
  if (await presentInside(worktree, inVenv)) return inVenv;
  if (environment.lockfile && environment.locked.has(tool)) return environment.lockfile;
  // ruff is one binary wherever it is found.
  if (tool === "ruff") return findOnPath(tool, searchPath);
  // `python3 -m mypy` needs mypy installed for that very python3.
  return environment.kind === "system" ? findSystemPythonModule(tool, searchPath) : undefined;
}

/**
 * The argv that runs `tool` with `args` in `environment`. pytest and mypy run as `python -m` so
 * the repository root is importable and the project's interpreter is the one checked; ruff is a
 * standalone binary, often installed without a Python package, so it runs by name.
 */
export async function pythonToolCommand(
  worktree: string,
  environment: PythonEnvironment,
  tool: PythonTool,
  args: string[],
): Promise<{ command: string; args: string[] }> {
  const { kind } = environment;
  let argv: string[];
  if (tool === "ruff") {
    const venvRuff = path.join(".venv", "bin", "ruff");
    const local = kind === "venv" && (await presentInside(worktree, venvRuff));
    argv = [...runnerPrefix(kind), local ? venvRuff : "ruff", ...args];
  } else {
    const python = kind === "venv" ? venvPython : kind === "system" ? "python3" : "python";
    argv = [...runnerPrefix(kind), python, "-m", tool, ...args];
  }
  const [command, ...rest] = argv;
  return { command: command!, args: rest };
}
