// Detects a Node project's checks: the root package and, in a monorepo, each workspace package
// (its scripts run in its own directory), with the package manager its lockfile names, and ESLint
// or Biome run directly where the repository configures them but no script runs them (nor a lint
// script that may wrap them).
import path from "node:path";
import { entryKindInside, readRegularFileInside } from "../../workspace/safe-fs.ts";
import type { DetectDefaults, EcosystemDetection, EcosystemDetector } from "../ecosystem.ts";
import { mentionsTool } from "../infer-parser.ts";
import { lookAtManifest } from "../manifest-kind.ts";
import type { VerifierCommand } from "../verifier.ts";
import { type LintTool, lintConfigIn, lintTools } from "./lint-tools.ts";
import { checkPrefix, PackageJson, packageChecks, scriptChecks } from "./package-checks.ts";
import { detectPackageManager } from "./package-manager.ts";
import { findWorkspacePackages } from "./workspaces.ts";

/** A root script that runs a script in every workspace package (turbo, nx, `pnpm -r`, `npm --workspaces` …). */
const delegatesToWorkspaces =
  /\b(turbo|nx|lerna|wsrun)\b|(^|\s)(-r|--recursive|-ws|--workspaces|--filter|-F)(\s|=|$)|\bworkspaces\s+(foreach|run)\b/;

interface NodePackage {
  directory: string;
  json: PackageJson;
}

/** package.json files larger than this are not read (no real manifest is that large). */
const maxPackageJsonBytes = 4 * 1024 * 1024;

/**
 * The package.json in `directory`, read without following links; `unreadable` when it is not a
 * regular file (a FIFO would hold detection, and the check reading it in the sandbox, forever).
 */
async function readPackageJson(
  worktree: string,
  directory: string,
): Promise<{ json?: PackageJson; problem?: string; unreadable?: boolean }> {
  const file = path.join(directory, "package.json");
  const kind = await entryKindInside(worktree, file);
  if (kind !== "file") return { problem: `it is a ${kind}, not a regular file`, unreadable: true };
  try {
    const bytes = await readRegularFileInside(worktree, file, { maxBytes: maxPackageJsonBytes });
    const parsed = PackageJson.safeParse(JSON.parse(bytes.toString("utf8")));
    return parsed.success ? { json: parsed.data } : { problem: "its top level is not an object" };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** A check that fails with node's own parse error, so a broken package.json cannot pass the gate. */
function packageJsonCheck(directory: string, defaults: DetectDefaults): VerifierCommand {
  const script = 'JSON.parse(require("node:fs").readFileSync("package.json", "utf8"))';
  return {
    name: `${checkPrefix(directory)}package.json`,
    command: "node",
    args: ["-e", script],
    cwd: directory,
    parser: "generic",
    speeds: ["fast", "full"],
    timeoutMs: defaults.timeoutMs,
  };
}

/** Tools a check script (or a `lint…` script it may call) of any package already runs. */
function toolsRunByScripts(packages: NodePackage[]): Set<LintTool["name"]> {
  const checkScripts = new Set(scriptChecks.flatMap((check) => check.scripts));
  const bodies = packages.flatMap(({ json }) =>
    Object.entries(json.scripts ?? {})
      .filter(
        ([name, body]) => typeof body === "string" && (checkScripts.has(name) || name.startsWith("lint")),
      )
      .map(([, body]) => body as string),
  );
  return new Set(
    lintTools.filter((tool) => bodies.some((body) => mentionsTool(body, tool.name))).map((tool) => tool.name),
  );
}

/**
 * Where each linter without a script runs: at the root when the root configures it (its run covers
 * the packages), else in each package that configures it.
 */
async function planLintTools(worktree: string, packages: NodePackage[], notes: string[]) {
  const covered = toolsRunByScripts(packages);
  const plan = new Map<string, { tool: LintTool; configFile: string }[]>();
  for (const tool of lintTools) {
    const configured: { directory: string; configFile: string }[] = [];
    for (const { directory } of packages) {
      const configFile = await lintConfigIn(worktree, directory, tool);
      if (configFile !== undefined) configured.push({ directory, configFile });
    }
    if (configured.length === 0) continue;
    if (covered.has(tool.name)) {
      notes.push(`node: ${tool.name} is configured and a script runs it, so no separate ${tool.name} check`);
      continue;
    }
    const atRoot = configured.find((entry) => entry.directory === ".");
    for (const { directory, configFile } of atRoot ? [atRoot] : configured) {
      // A lint script is the project's own way to lint (`gts lint`, `next lint` wrap ESLint with
      // their settings): a raw run next to it reports what the project never checks.
      const lintScript = packages.find((entry) => entry.directory === directory)?.json.scripts?.lint;
      if (typeof lintScript === "string" && lintScript.trim() !== "") {
        const where = directory === "." ? "" : ` in ${directory}`;
        notes.push(
          `node: ${tool.name} is configured${where} but its lint script (${lintScript}) is the check`,
        );
        continue;
      }
      plan.set(directory, [...(plan.get(directory) ?? []), { tool, configFile }]);
    }
  }
  return plan;
}

async function readWorkspacePackages(
  worktree: string,
  directories: string[],
  defaults: DetectDefaults,
): Promise<{ packages: NodePackage[]; broken: EcosystemDetection }> {
  const packages: NodePackage[] = [];
  const broken: EcosystemDetection = { commands: [], notes: [] };
  for (const directory of directories) {
    const { json, problem, unreadable } = await readPackageJson(worktree, directory);
    if (json) {
      packages.push({ directory, json });
    } else {
      if (!unreadable) broken.commands.push(packageJsonCheck(directory, defaults));
      broken.notes.push(`node: ${directory}/package.json cannot be read: ${problem}`);
    }
  }
  return { packages, broken };
}

async function detectNode(
  worktree: string,
  defaults: DetectDefaults,
): Promise<EcosystemDetection | undefined> {
  const manifest = await lookAtManifest(worktree, "package.json", "node", "Node");
  if (manifest === "missing") return undefined;
  if (manifest !== "file") return manifest;
  const { json, problem } = await readPackageJson(worktree, ".");
  if (!json) {
    return {
      commands: [packageJsonCheck(".", defaults)],
      notes: [`node: package.json cannot be read: ${problem}`],
    };
  }
  const packageManagerField = typeof json.packageManager === "string" ? json.packageManager : undefined;
  const { manager, reason } = await detectPackageManager(worktree, packageManagerField);
  const notes = [`node: scripts run with ${manager} (${reason})`];
  const workspaces = await findWorkspacePackages(worktree, json.workspaces);
  notes.push(...workspaces.notes);
  const { packages, broken } = await readWorkspacePackages(worktree, workspaces.directories, defaults);
  const all: NodePackage[] = [{ directory: ".", json }, ...packages];
  const lintPlan = await planLintTools(worktree, all, notes);
  const commands: VerifierCommand[] = [...broken.commands];
  notes.push(...broken.notes);
  for (const { directory, json: packageJson } of all) {
    const delegated = Object.entries(packageJson.scripts ?? {})
      .filter(([, body]) => typeof body === "string" && delegatesToWorkspaces.test(body))
      .map(([name]) => name);
    const skipScripts = new Set(directory === "." && packages.length > 0 ? delegated : []);
    const lintToolsHere = lintPlan.get(directory) ?? [];
    const found = await packageChecks({
      worktree,
      directory,
      json: packageJson,
      manager,
      defaults,
      skipScripts,
      lintTools: lintToolsHere,
    });
    commands.push(...found.commands);
    notes.push(...found.notes);
  }
  return { commands, notes };
}

export const nodeDetector: EcosystemDetector = {
  name: "node",
  detect: detectNode,
};
