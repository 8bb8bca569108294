// The checks of one Node package (the root or a workspace package): its typecheck, lint, test and
// build scripts run with the repository's package manager, `tsc --noEmit` when it has a
// tsconfig.json, no typecheck script and type-checks with tsc (tsc-use.ts), and ESLint or Biome when configured but run by no script.
import path from "node:path";
import { z } from "zod";
import { entryKindInside } from "../../workspace/safe-fs.ts";
import type { DetectDefaults, EcosystemDetection } from "../ecosystem.ts";
import { inferParser } from "../infer-parser.ts";
import type { VerifierCommand, VerifySpeed } from "../verifier.ts";
import { type LintTool, lintToolCheck } from "./lint-tools.ts";
import { findLocalBin } from "./local-bin.ts";
import { findPinnedLauncher, type PackageManager, scriptCommand } from "./package-manager.ts";
import { tscUse } from "./tsc-use.ts";

export const PackageJson = z.object({
  scripts: z.record(z.string(), z.unknown()).optional(),
  packageManager: z.unknown().optional(),
  workspaces: z.unknown().optional(),
  // Read only for whether typescript is one; a malformed list is no evidence, not a broken package.
  dependencies: z.unknown().optional(),
  devDependencies: z.unknown().optional(),
});
export type PackageJson = z.infer<typeof PackageJson>;

/**
 * The checks a package's scripts become, in the order they run: the first script name present
 * wins. Typecheck, lint and test are what the agent needs while it works (fast) and what the gate
 * needs (full); a build is slow and rarely fails when typecheck and tests pass: gate only.
 */
export const scriptChecks: readonly { check: string; scripts: readonly string[]; speeds: VerifySpeed[] }[] = [
  {
    check: "typecheck",
    scripts: ["typecheck", "type-check", "check-types", "types:check", "check:types", "check:type"],
    speeds: ["fast", "full"],
  },
  { check: "lint", scripts: ["lint"], speeds: ["fast", "full"] },
  { check: "test", scripts: ["test"], speeds: ["fast", "full"] },
  { check: "build", scripts: ["build"], speeds: ["full"] },
];

/** npm init's placeholder test script: it always fails and tests nothing. */
const placeholderTest = /no test specified/;
/** A script in watch mode never ends on its own; it would only time out. */
const watchMode = /(^|\s)--watch(All)?\b/;

export interface PackageRequest {
  worktree: string;
  /** The package's directory relative to the worktree; "." for the root. */
  directory: string;
  json: PackageJson;
  manager: PackageManager;
  defaults: DetectDefaults;
  /** Scripts not to run here (a root script that runs every workspace package's own). */
  skipScripts: ReadonlySet<string>;
  /** Linters to run directly in this package, with the config file that asks for each. */
  lintTools: readonly { tool: LintTool; configFile: string }[];
}

/** Prefix of check names and notes: nothing at the root, `packages/web:` in a workspace package. */
export function checkPrefix(directory: string): string {
  return directory === "." ? "" : `${directory.split(path.sep).join("/")}:`;
}

async function typecheckWithTsc(
  request: PackageRequest,
  notes: string[],
): Promise<VerifierCommand | undefined> {
  const { worktree, directory, defaults } = request;
  const prefix = checkPrefix(directory);
  const use = tscUse(directory, request.json);
  if (!use.runs) {
    notes.push(
      `node: ${prefix}tsconfig.json found but no typecheck: the project does not type-check with tsc (${use.why})`,
    );
    return undefined;
  }
  const bin = await findLocalBin(worktree, directory, "tsc");
  if (!bin) {
    notes.push(
      `node: ${prefix}tsconfig.json found but node_modules/.bin/tsc is missing (dependencies not installed?), so no typecheck`,
    );
    return undefined;
  }
  notes.push(
    `node: ${prefix}typecheck runs ${bin.command} --noEmit --pretty false (tsconfig.json, no typecheck script, ${use.why})`,
  );
  return {
    name: `${prefix}typecheck`,
    command: bin.command,
    args: ["--noEmit", "--pretty", "false"],
    cwd: directory,
    parser: "tsc",
    speeds: ["fast", "full"],
    timeoutMs: defaults.timeoutMs,
  };
}

/** The script that runs as `check`, or a reason it does not; undefined when there is none. */
function scriptFor(
  request: PackageRequest,
  check: (typeof scriptChecks)[number],
): { script: string; body: string } | { skipped: string } | undefined {
  for (const script of check.scripts) {
    const body = request.json.scripts?.[script];
    if (typeof body !== "string" || body.trim() === "") continue;
    if (request.skipScripts.has(script))
      return { skipped: `the ${script} script runs the workspace packages' own` };
    if (check.check === "test" && placeholderTest.test(body))
      return { skipped: "the test script is npm's placeholder" };
    if (watchMode.test(body))
      return { skipped: `the ${script} script runs in watch mode and would never end` };
    return { script, body };
  }
  return undefined;
}

function scriptCheck(
  request: PackageRequest,
  check: (typeof scriptChecks)[number],
  script: string,
  body: string,
  launcher?: string,
): VerifierCommand {
  const { command, args } = scriptCommand(request.manager, script, launcher);
  return {
    name: `${checkPrefix(request.directory)}${check.check}`,
    command,
    args,
    cwd: request.directory,
    parser: check.check === "typecheck" ? "tsc" : inferParser(body),
    speeds: check.speeds,
    timeoutMs: request.defaults.timeoutMs,
  };
}

/** The checks of one package, with notes on what was skipped and why. */
export async function packageChecks(request: PackageRequest): Promise<EcosystemDetection> {
  const { worktree, directory } = request;
  const prefix = checkPrefix(directory);
  const commands: VerifierCommand[] = [];
  const notes: string[] = [];
  // A packageManager version that setup provided (corepack, offline) runs the scripts.
  const launcher = await findPinnedLauncher(worktree, directory, request.manager);
  if (launcher) notes.push(`node: ${prefix}scripts run with the pinned ${request.manager} (${launcher})`);
  for (const check of scriptChecks) {
    const found = scriptFor(request, check);
    if (found && "skipped" in found) notes.push(`node: ${prefix}no ${check.check} check: ${found.skipped}`);
    if (found && "script" in found) {
      commands.push(scriptCheck(request, check, found.script, found.body, launcher));
      if (found.script !== check.check)
        notes.push(`node: ${prefix}${check.check} runs the ${found.script} script`);
    } else if (
      check.check === "typecheck" &&
      !found &&
      (await entryKindInside(worktree, path.join(directory, "tsconfig.json"))) === "file"
    ) {
      const tsc = await typecheckWithTsc(request, notes);
      if (tsc) commands.push(tsc);
    }
    if (check.check !== "lint") continue;
    // Linters without a script run right after the lint script, before the slower tests.
    for (const { tool, configFile } of request.lintTools) {
      const { command, note } = await lintToolCheck({
        worktree,
        directory,
        tool,
        configFile,
        prefix,
        defaults: request.defaults,
      });
      notes.push(note);
      if (command) commands.push(command);
    }
  }
  return { commands, notes };
}
