// Python setup: uv's or poetry's lockfile with their locked install, else a virtualenv in `.venv`
// filled by pip from requirements*.txt or from pyproject.toml with its test extras. A service in a
// subfolder with its own requirements or lockfile (services/api) gets its own `.venv` there.
import { firstRegularFile, readManifest } from "../repo-files.ts";
import { inFolder, type SetupCommand, type SetupDetector, setupCommand } from "../setup-detector.ts";

const pypiHosts = ["pypi.org", "files.pythonhosted.org"];
const requirementFiles = [
  "requirements.txt",
  "requirements-dev.txt",
  "requirements-test.txt",
  "requirements_dev.txt",
  "requirements_test.txt",
  "dev-requirements.txt",
  "test-requirements.txt",
];
const pip = ".venv/bin/pip";

/** The names of pyproject's optional-dependency groups that tests need (test, tests, testing, dev). */
export function testExtras(pyproject: string): string[] {
  const section = /^\[project\.optional-dependencies\][^\n]*\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(pyproject);
  if (!section) return [];
  const names = [...section[1]!.matchAll(/^([A-Za-z0-9_.-]+)\s*=/gm)].map((match) => match[1]!);
  return names.filter((name) => ["test", "tests", "testing", "dev"].includes(name));
}

const lockfiles = ["uv.lock", "poetry.lock"];
const manifests = new Set([...requirementFiles, ...lockfiles, "pyproject.toml"]);

async function requirementsIn(worktree: string, directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of requirementFiles)
    if (await firstRegularFile(worktree, [inFolder(directory, file)])) found.push(file);
  return found;
}

async function pipCommands(
  worktree: string,
  directory: string,
  pyproject: string | undefined,
): Promise<{ commands: SetupCommand[]; why: string } | undefined> {
  const requirements = await requirementsIn(worktree, directory);
  const venv = setupCommand(["python3", "-m", "venv", ".venv"], directory);
  if (requirements.length > 0) {
    const install = setupCommand(
      [pip, "install", ...requirements.flatMap((file) => ["-r", file])],
      directory,
    );
    return {
      commands: [venv, install],
      why: `${requirements.map((file) => inFolder(directory, file)).join(", ")}: a virtualenv in ${inFolder(directory, ".venv")}, filled by pip`,
    };
  }
  if (pyproject === undefined) return undefined;
  const extras = testExtras(pyproject);
  const target = extras.length > 0 ? `.[${extras.join(",")}]` : ".";
  const install = setupCommand([pip, "install", "-e", target], directory);
  const extraNote = extras.length > 0 ? ` with the extras ${extras.join(", ")}` : "";
  return {
    commands: [venv, install],
    why: `${inFolder(directory, "pyproject.toml")} without a lockfile: the project${extraNote} installed by pip into ${inFolder(directory, ".venv")}`,
  };
}

export const pythonSetup: SetupDetector = {
  name: "python",
  isManifest: (name) => manifests.has(name),
  async detect(worktree, directory) {
    const venv = inFolder(directory, ".venv");
    const base = { ecosystem: "python", allowHosts: pypiHosts, producedDirectories: [venv] };
    if (await firstRegularFile(worktree, [inFolder(directory, "uv.lock")])) {
      return {
        ...base,
        commands: [setupCommand(["uv", "sync", "--frozen"], directory)],
        notes: [
          `${inFolder(directory, "uv.lock")}: uv sync --frozen installs the locked versions into ${venv}`,
        ],
      };
    }
    if (await firstRegularFile(worktree, [inFolder(directory, "poetry.lock")])) {
      const poetry = {
        ...setupCommand(["poetry", "install", "--no-interaction"], directory),
        env: { POETRY_VIRTUALENVS_IN_PROJECT: "true" },
      };
      const note = `${inFolder(directory, "poetry.lock")}: poetry install (with POETRY_VIRTUALENVS_IN_PROJECT, so into ${venv})`;
      return { ...base, commands: [poetry], notes: [note] };
    }
    const pyproject = await readManifest(worktree, inFolder(directory, "pyproject.toml"));
    const pip = await pipCommands(worktree, directory, pyproject);
    if (!pip) return undefined;
    return { ...base, commands: pip.commands, notes: [pip.why] };
  },
  async installsOnItsOwn(worktree, directory) {
    if ((await requirementsIn(worktree, directory)).length > 0) return true;
    return (
      (await firstRegularFile(
        worktree,
        lockfiles.map((file) => inFolder(directory, file)),
      )) !== undefined
    );
  },
};
