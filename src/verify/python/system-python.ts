// Whether the python3 on PATH has a tool installed, judged from files only (running the
// interpreter on the host could import a module from the repository): the tool's script beside
// python3, or its package in the interpreter's site-packages or Debian's dist-packages.
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";

/** Package folders `python` (its resolved path) would import `module` from. */
export function packageFolders(realPython: string, module: string): string[] {
  const prefix = path.dirname(path.dirname(realPython));
  const version = /python(3\.\d+)$/.exec(realPython)?.[1];
  const versioned = version ? [`python${version}`] : [];
  return [
    ...versioned.map((name) => path.join(prefix, "lib", name, "site-packages", module)),
    ...versioned.map((name) => path.join(prefix, "local", "lib", name, "dist-packages", module)),
    path.join(prefix, "lib", "python3", "dist-packages", module),
  ];
}

/**
 * Where the first python3 on `searchPath` has `module` (its script beside python3, else its
 * package folder), or undefined when neither is there.
 */
export function findSystemPythonModule(module: string, searchPath: string): string | undefined {
  const python = findOnPath("python3", searchPath);
  if (!python) return undefined;
  // A mypy elsewhere on PATH may belong to another interpreter; beside python3 it is this one's.
  const script = findOnPath(module, path.dirname(python));
  if (script) return script;
  let real: string;
  try {
    real = realpathSync(python);
  } catch {
    // A dangling python3 link has no packages; the check will fail and say so when it runs.
    return undefined;
  }
  return packageFolders(real, module).find((folder) => existsSync(folder));
}
