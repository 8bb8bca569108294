// Python setup: uv's or poetry's lockfile with their locked install, else a virtualenv in `.venv`
// filled by pip from requirements*.txt or from pyproject.toml with its test extras.
import { firstRegularFile, readManifest } from "../repo-files.ts";
import { type SetupCommand, type SetupDetector, setupCommand } from "../setup-detector.ts";

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

async function pipCommands(
  worktree: string,
  pyproject: string | undefined,
): Promise<{ commands: SetupCommand[]; why: string } | undefined> {
  const requirements: string[] = [];
  for (const file of requirementFiles) if (await firstRegularFile(worktree, [file])) requirements.push(file);
  const venv = setupCommand(["python3", "-m", "venv", ".venv"]);
  if (requirements.length > 0) {
    const install = setupCommand([pip, "install", ...requirements.flatMap((file) => ["-r", file])]);
    return {
      commands: [venv, install],
      why: `${requirements.join(", ")}: a virtualenv in .venv, filled by pip`,
    };
  }
  if (pyproject === undefined) return undefined;
  const extras = testExtras(pyproject);
  const target = extras.length > 0 ? `.[${extras.join(",")}]` : ".";
  const install = setupCommand([pip, "install", "-e", target]);
  const extraNote = extras.length > 0 ? ` with the extras ${extras.join(", ")}` : "";
  return {
    commands: [venv, install],
    why: `pyproject.toml without a lockfile: the project${extraNote} installed by pip into .venv`,
  };
}

export const pythonSetup: SetupDetector = {
  name: "python",
  async detect(worktree) {
    const base = { ecosystem: "python", allowHosts: pypiHosts, producedDirectories: [".venv"] };
    if (await firstRegularFile(worktree, ["uv.lock"])) {
      return {
        ...base,
        commands: [setupCommand(["uv", "sync", "--frozen"])],
        notes: ["uv.lock: uv sync --frozen installs the locked versions into .venv"],
      };
    }
    if (await firstRegularFile(worktree, ["poetry.lock"])) {
      const poetry = {
        ...setupCommand(["poetry", "install", "--no-interaction"]),
        env: { POETRY_VIRTUALENVS_IN_PROJECT: "true" },
      };
      const note = "poetry.lock: poetry install (with POETRY_VIRTUALENVS_IN_PROJECT, so into .venv)";
      return { ...base, commands: [poetry], notes: [note] };
    }
    const pyproject = await readManifest(worktree, "pyproject.toml");
    const pip = await pipCommands(worktree, pyproject);
    if (!pip) return undefined;
    return { ...base, commands: pip.commands, notes: [pip.why] };
  },
};
