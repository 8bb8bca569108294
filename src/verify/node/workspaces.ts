// The packages of a Node monorepo: the globs of package.json `workspaces` (npm, yarn, bun) or of
// pnpm-workspace.yaml `packages`, expanded to the directories that hold a package.json. The globs
// come from files the agent edits, so they are expanded on the host without entering any link and
// within a bound of entries and time (a link to `/` must not walk the host as root).
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { globDirectoriesInside } from "../../workspace/glob-inside.ts";
import { entryKindInside, readRegularFileInside } from "../../workspace/safe-fs.ts";

/** Workspace packages checked at most; beyond this a note says how many were left out. */
export const maxWorkspacePackages = 50;
/** Directory entries looked at while expanding the globs, so a huge tree cannot stall detection. */
export const maxWorkspaceGlobEntries = 20_000;
/** Time the expansion may take before it stops with what it found. */
const workspaceGlobTimeoutMs = 10_000;
/** Directories never searched for workspace packages. */
const skippedDirectories: ReadonlySet<string> = new Set(["node_modules", ".git"]);
/** A pnpm-workspace.yaml larger than this is not read. */
const maxWorkspaceFileBytes = 1024 * 1024;

/** package.json `workspaces`: a list of globs, or yarn's `{ packages: [...] }`. */
const WorkspacesField = z.union([
  z.array(z.string()),
  z.object({ packages: z.array(z.string()).optional() }).transform((value) => value.packages ?? []),
]);
const PnpmWorkspace = z.object({ packages: z.array(z.string()).optional() }).loose();

export interface WorkspacePackages {
  /** Package directories relative to the worktree root, sorted, at most maxWorkspacePackages. */
  directories: string[];
  notes: string[];
}

/** The workspace globs the repository declares, and which file declared them. */
async function declaredGlobs(
  worktree: string,
  workspacesField: unknown,
): Promise<{ globs: string[]; source: string; problem?: string } | undefined> {
  const pnpmFile = "pnpm-workspace.yaml";
  const kind = await entryKindInside(worktree, pnpmFile);
  if (kind !== "missing" && kind !== "file") {
    return { globs: [], source: pnpmFile, problem: `it is a ${kind}, not a regular file, and is not read` };
  }
  if (kind === "file") {
    try {
      const bytes = await readRegularFileInside(worktree, pnpmFile, { maxBytes: maxWorkspaceFileBytes });
      const parsed = PnpmWorkspace.safeParse(parseYaml(bytes.toString("utf8")) ?? {});
      if (parsed.success) return { globs: parsed.data.packages ?? [], source: "pnpm-workspace.yaml" };
      return { globs: [], source: "pnpm-workspace.yaml", problem: "packages is not a list of globs" };
    } catch (error) {
      const reason = (error as Error).message.split("\n")[0];
      return { globs: [], source: "pnpm-workspace.yaml", problem: `not valid YAML: ${reason}` };
    }
  }
  if (workspacesField === undefined) return undefined;
  const parsed = WorkspacesField.safeParse(workspacesField);
  if (parsed.success) return { globs: parsed.data, source: "package.json workspaces" };
  return { globs: [], source: "package.json workspaces", problem: "not a list of globs" };
}

function formatBound(options: WorkspaceSearchOptions): string {
  return `${options.maxEntries ?? maxWorkspaceGlobEntries} entries or ${workspaceGlobTimeoutMs / 1000} s`;
}

/** A glob that stays inside the repository (no absolute path, no `..`). */
function staysInside(pattern: string): boolean {
  return !path.isAbsolute(pattern) && !pattern.split("/").includes("..");
}

export interface WorkspaceSearchOptions {
  /** Entries the glob expansion looks at, at most (default maxWorkspaceGlobEntries). */
  maxEntries?: number;
  /** Stops the expansion early (it also stops after workspaceGlobTimeoutMs). */
  signal?: AbortSignal;
}

/** The directories matching `patterns` that hold a regular package.json; `cut` when a bound stopped the walk. */
async function expand(
  worktree: string,
  patterns: string[],
  options: WorkspaceSearchOptions,
): Promise<{ found: Set<string>; cut: boolean }> {
  const timeLimit = AbortSignal.timeout(workspaceGlobTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeLimit]) : timeLimit;
  const { directories, cut } = await globDirectoriesInside(worktree, patterns, {
    maxEntries: options.maxEntries ?? maxWorkspaceGlobEntries,
    skipped: skippedDirectories,
    signal,
  });
  const found = new Set<string>();
  for (const directory of directories) {
    const manifest = directory === "." ? "package.json" : `${directory}/package.json`;
    if ((await entryKindInside(worktree, manifest)) === "file") found.add(directory);
  }
  return { found, cut };
}

/** The workspace packages of the repository at `worktree`, or none when it declares no workspaces. */
export async function findWorkspacePackages(
  worktree: string,
  workspacesField: unknown,
  options: WorkspaceSearchOptions = {},
): Promise<WorkspacePackages> {
  const declared = await declaredGlobs(worktree, workspacesField);
  if (!declared) return { directories: [], notes: [] };
  const notes: string[] = [];
  if (declared.problem) notes.push(`node: ${declared.source}: ${declared.problem}, so no workspace packages`);
  const outside = declared.globs.filter((pattern) => !staysInside(pattern.replace(/^!/, "")));
  if (outside.length > 0)
    notes.push(`node: ${declared.source}: left out globs outside the repository: ${outside.join(", ")}`);
  const usable = declared.globs.filter((pattern) => staysInside(pattern.replace(/^!/, "")));
  const included = await expand(
    worktree,
    usable.filter((pattern) => !pattern.startsWith("!")),
    options,
  );
  const excluded = await expand(
    worktree,
    usable.filter((pattern) => pattern.startsWith("!")).map((pattern) => pattern.slice(1)),
    options,
  );
  if (included.cut || excluded.cut) {
    notes.push(
      `node: ${declared.source}: the workspace globs touch too many directories; stopped looking after ${formatBound(options)}`,
    );
  }
  const all = [...included.found]
    .filter((directory) => directory !== "." && !excluded.found.has(directory))
    .sort();
  const directories = all.slice(0, maxWorkspacePackages);
  notes.push(
    `node: ${all.length} workspace ${all.length === 1 ? "package" : "packages"} from ${declared.source}`,
  );
  if (all.length > directories.length) {
    notes.push(
      `node: only the first ${maxWorkspacePackages} workspace packages are checked; ${all.length - directories.length} more (from ${all[maxWorkspacePackages]}) are not: declare their checks in .slipway.yml`,
    );
  }
  return { directories, notes };
}
