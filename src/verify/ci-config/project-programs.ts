// Which program a CI-derived check runs: the one the project's environment provides in place of the
// bare name the CI file says (the CI's own setup put it on PATH; here setup left it in the checkout).
import type { CheckoutFiles } from "./ci-checks.ts";

/** Programs a Python project's CI runs from its environment (the .venv setup made, if any). */
const pythonPrograms =
  /^(python|python3|python3\.\d+|pytest|py\.test|coverage|mypy|flake8|pylint|ruff|black|isort|pyright)$/;
/**
 * `argv` with the program the project's environment provides swapped in for its name, as detected
 * checks run: a package manager that setup pinned (corepack, offline: by name it is missing, or
 * corepack's shim that downloads), a Python program of the project's .venv.
 */
export async function projectProgram(
  checkout: CheckoutFiles,
  cwd: string,
  argv: string[],
): Promise<string[]> {
  const manager = argv[0];
  // The project's .venv, as the Python detector's checks use it: the CI's `python -m unittest` ran
  // in the environment its install steps made, not in the machine's bare python.
  if (manager !== undefined && pythonPrograms.test(manager) && checkout.venvProgram) {
    const local = await checkout.venvProgram(cwd, manager);
    return local === undefined ? argv : [local, ...argv.slice(1)];
  }
  if (manager === undefined || !/^(npm|pnpm|yarn|bun)$/.test(manager) || !checkout.pinnedLauncher)
    return argv;
  const launcher = await checkout.pinnedLauncher(cwd, manager);
  return launcher === undefined ? argv : [launcher, ...argv.slice(1)];
}
