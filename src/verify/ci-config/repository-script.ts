// Classifies a CI command that runs one of the repository's own scripts (`./scripts/test`,
// `bash ci/lint.sh`, `python manage.py test`, `node scripts/check.mjs`) by the script's name, as a
// package script is classified by its name; a path outside the repository is never a check.
import path from "node:path";
import { type CheckKind, kindsOfTaskName } from "./check-kind.ts";

export interface RepositoryScript {
  kinds: CheckKind[];
  /** The script's path from the repository root as written (`scripts/test`). */
  name: string;
}

const interpreters = /^(bash|sh|zsh|python[0-9.]*|node)$/;

/** A relative path inside the repository, or undefined. */
function scriptPath(word: string | undefined): string | undefined {
  if (word === undefined || word.startsWith("-") || path.posix.isAbsolute(word)) return undefined;
  const normal = path.posix.normalize(word);
  return normal === ".." || normal.startsWith("../") ? undefined : normal;
}

/** The script `argv` runs and the kinds its name stands for; undefined when it runs none. */
export function repositoryScript(argv: string[]): RepositoryScript | undefined {
  const tool = path.posix.basename(argv[0] ?? "");
  const viaInterpreter = interpreters.test(tool);
  const file = scriptPath(viaInterpreter ? argv[1] : argv[0]);
  // A bare word is a command on PATH, not a script of the repository, unless an interpreter runs it.
  if (file === undefined || (!viaInterpreter && !file.includes("/"))) return undefined;
  const base = path.posix.basename(file).replace(/\.(sh|bash|py|js|mjs|cjs|ts)$/, "");
  if (base === "manage" && argv[2] === "test") return { kinds: ["test"], name: `${file}-test` };
  return { kinds: kindsOfTaskName(base), name: file };
}
