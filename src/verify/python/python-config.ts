// Reads which Python tools a repository configures — pytest, ruff, mypy — from pyproject.toml,
// setup.cfg, tox.ini and the tools' own files. Only section headers and key names are read.
import { entryKindInside, readRegularFileInside } from "../../workspace/safe-fs.ts";

/** Section name → key names under it. Keys before any header sit under "". */
export type ConfigSections = Map<string, Set<string>>;

/** Config files larger than this are not read (a generated file, not configuration). */
const maxConfigBytes = 1024 * 1024;

const sectionHeader = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:[#;].*)?$/;
const keyLine = /^\s*([A-Za-z0-9_.-]+|"[^"]+")\s*[=:]/;

/** Section headers (`[tool.ruff]`, `[[tool.mypy.overrides]]`, `[mypy]`) and their keys, TOML or INI. */
export function readSections(text: string): ConfigSections {
  const sections: ConfigSections = new Map([["", new Set<string>()]]);
  let current = sections.get("")!;
  for (const line of text.split(/\r?\n/)) {
    const header = sectionHeader.exec(line);
    if (header) {
      const name = header[1]!.replace(/"/g, "");
      current = sections.get(name) ?? new Set<string>();
      sections.set(name, current);
      continue;
    }
    const key = keyLine.exec(line);
    if (key) current.add(key[1]!.replace(/"/g, ""));
  }
  return sections;
}

/** The sections of `worktree/file`, or undefined when it is missing, not a regular file, unreadable or huge. */
async function sectionsOf(worktree: string, file: string): Promise<ConfigSections | undefined> {
  try {
    const bytes = await readRegularFileInside(worktree, file, { maxBytes: maxConfigBytes });
    return readSections(bytes.toString("utf8"));
  } catch {
    // A missing, unreadable, linked or special config file configures nothing; the tool will say what is wrong.
    return undefined;
  }
}

function hasSection(sections: ConfigSections | undefined, name: string): boolean {
  if (!sections) return false;
  return [...sections.keys()].some((section) => section === name || section.startsWith(`${name}.`));
}

/** A Python tool's configuration: where it was found, for the notes. */
export interface ToolConfig {
  /** e.g. `[tool.ruff] in pyproject.toml` or `mypy.ini`. */
  source: string;
  /** Key names of the tool's main section (mypy's `files` decides whether it needs a target). */
  keys: Set<string>;
}

/** What the repository configures, per tool; undefined means not configured. */
export interface PythonToolConfigs {
  pytest?: ToolConfig;
  ruff?: ToolConfig;
  mypy?: ToolConfig;
}

interface Candidate {
  file: string;
  /** The section that configures the tool, or undefined when the file's existence does. */
  section?: string;
}

const candidates: Record<keyof PythonToolConfigs, Candidate[]> = {
  pytest: [
    { file: "pytest.ini" },
    { file: ".pytest.ini" },
    { file: "pyproject.toml", section: "tool.pytest" },
    { file: "tox.ini", section: "pytest" },
    { file: "setup.cfg", section: "tool:pytest" },
    { file: "conftest.py" },
  ],
  ruff: [{ file: "ruff.toml" }, { file: ".ruff.toml" }, { file: "pyproject.toml", section: "tool.ruff" }],
  mypy: [
    { file: "mypy.ini" },
    { file: ".mypy.ini" },
    { file: "pyproject.toml", section: "tool.mypy" },
    { file: "setup.cfg", section: "mypy" },
  ],
};

async function findToolConfig(
  worktree: string,
  files: Map<string, ConfigSections | undefined>,
  tool: keyof PythonToolConfigs,
): Promise<ToolConfig | undefined> {
  for (const { file, section } of candidates[tool]) {
    if (section === undefined) {
      if ((await entryKindInside(worktree, file)) !== "file") continue;
      const own = file.endsWith(".py") ? undefined : await sectionsOf(worktree, file);
      return { source: file, keys: own?.get(tool) ?? own?.get("") ?? new Set() };
    }
    if (!files.has(file)) files.set(file, await sectionsOf(worktree, file));
    const sections = files.get(file);
    if (hasSection(sections, section)) {
      return { source: `[${section}] in ${file}`, keys: sections?.get(section) ?? new Set() };
    }
  }
  return undefined;
}

/** Which of pytest, ruff and mypy the repository at `worktree` configures. */
export async function readPythonToolConfigs(worktree: string): Promise<PythonToolConfigs> {
  const files = new Map<string, ConfigSections | undefined>();
  const configs: PythonToolConfigs = {};
  for (const tool of ["pytest", "ruff", "mypy"] as const) {
    const config = await findToolConfig(worktree, files, tool);
    if (config) configs[tool] = config;
  }
  return configs;
}
