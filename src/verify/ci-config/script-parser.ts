// Picks the output parser of a CI-derived check: for a package-manager script, from the body of
// that script in the package.json of its directory (a `test` script that runs vitest reads as
// vitest); for any other command, from its own text.
import path from "node:path";
import { readRegularFileInside } from "../../workspace/safe-fs.ts";
import { inferParser } from "../infer-parser.ts";
import type { ParserFor } from "./ci-checks.ts";

const maxPackageJsonBytes = 4 * 1024 * 1024;

async function scriptBody(worktree: string, cwd: string, script: string): Promise<string | undefined> {
  try {
    const bytes = await readRegularFileInside(worktree, path.posix.join(cwd, "package.json"), {
      maxBytes: maxPackageJsonBytes,
    });
    const scripts = (JSON.parse(bytes.toString("utf8")) as { scripts?: Record<string, unknown> }).scripts;
    const body = scripts?.[script];
    return typeof body === "string" ? body : undefined;
  } catch {
    // No readable package.json (a link, missing, invalid): the command's own text decides.
    return undefined;
  }
}

/** A ParserFor that reads script bodies from `worktree`. */
export function parserFromScripts(worktree: string): ParserFor {
  return async (commandLine, cwd, script) => {
    const body = script === undefined ? undefined : await scriptBody(worktree, cwd, script);
    return inferParser(body ?? commandLine);
  };
}
