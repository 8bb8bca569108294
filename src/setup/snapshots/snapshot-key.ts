// The key of a warm dependency snapshot: a hash of everything that decides what setup installs —
// the repository, its manifests and lockfiles as the base commit holds them (read from git's
// objects, never the worktree the agent may rewrite), the setup commands, the host's toolchain
// versions and the platform. Two runs with the same key would install the same tree.
import { createHash } from "node:crypto";
import path from "node:path";
import { parseTreeEntries } from "../../pipeline/base-verify-config.ts";
import { runGit } from "../../workspace/git.ts";
import type { SetupPlan } from "../plan-setup.ts";
import { versionsOf } from "./toolchain-versions.ts";

/** A tree listing larger than this is refused (a repository with millions of files). */
const maxListingBytes = 64 * 1024 * 1024;

/** File names (at any depth) whose content decides what an install produces. */
const manifestNames = new Set([
  "package.json",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "pnpm-lock.yaml",
  "pnpm-workspace.yaml",
  "yarn.lock",
  ".yarnrc.yml",
  ".npmrc",
  "bun.lock",
  "bun.lockb",
  ".nvmrc",
  ".node-version",
  ".python-version",
  ".tool-versions",
  "pyproject.toml",
  "poetry.lock",
  "uv.lock",
  "Pipfile",
  "Pipfile.lock",
  "setup.py",
  "setup.cfg",
  "Cargo.toml",
  "Cargo.lock",
  "go.mod",
  "go.sum",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "settings.gradle",
  "settings.gradle.kts",
  "gradle.properties",
  ".slipway.yml",
  ".slipway.yaml",
]);

/** True for a file whose content is part of the key (requirements*.txt included). */
export function isManifestPath(filePath: string): boolean {
  const name = path.posix.basename(filePath);
  return manifestNames.has(name) || /^requirements.*\.txt$/.test(name);
}

/** The programs whose versions matter per ecosystem (asked on the host; absent ones say so). */
const toolchains: Record<string, string[][]> = {
  node: [
    ["node", "--version"],
    ["npm", "--version"],
    ["pnpm", "--version"],
    ["yarn", "--version"],
    ["bun", "--version"],
  ],
  python: [
    ["python3", "--version"],
    ["uv", "--version"],
    ["poetry", "--version"],
  ],
  rust: [["cargo", "--version"]],
  go: [["go", "version"]],
  java: [
    ["mvn", "--version"],
    ["gradle", "--version"],
  ],
};

/** `name version` lines of the toolchains of `ecosystems`, in a stable order. */
export async function toolchainVersions(
  ecosystems: readonly string[],
  signal?: AbortSignal,
  dataDir?: string,
): Promise<string[]> {
  const argvs = [...new Set(ecosystems)].sort().flatMap((ecosystem) => toolchains[ecosystem] ?? []);
  const versions = await versionsOf(argvs, dataDir, signal);
  return argvs.map((argv, index) => `${argv[0]} ${versions[index]}`);
}

/** `path blob` lines of the base commit's manifests and lockfiles (git's object ids hash their content). */
export async function manifestEntries(
  mirrorPath: string,
  baseCommit: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const listing = await runGit(["ls-tree", "-r", "-z", "--full-tree", baseCommit], {
    gitDir: mirrorPath,
    signal,
    maxOutputBytes: maxListingBytes,
  });
  return parseTreeEntries(listing.stdout)
    .filter((entry) => isManifestPath(entry.path))
    .map((entry) => `${entry.path} ${entry.mode} ${entry.objectId}`)
    .sort();
}

function platformLine(): string {
  // Native modules link against the C library: its version is part of what an install produced.
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return `${process.platform} ${process.arch} glibc ${report?.header?.glibcVersionRuntime ?? "none"}`;
}

export interface SnapshotKeyRequest {
  /** The repository as the task names it (a path or URL). */
  repo: string;
  mirrorPath: string;
  baseCommit: string;
  plan: SetupPlan;
  /** The sandbox backend that runs setup (its toolchain is the host's for bwrap, an image's for docker). */
  sandbox: string;
  /** Where versions already asked are remembered (absent: every toolchain is asked). */
  dataDir?: string;
  signal?: AbortSignal;
}

/** The key and the lines it hashes (kept with the snapshot so a person can see why two differ). */
export interface SnapshotKey {
  key: string;
  parts: string[];
}

export async function snapshotKeyOf(request: SnapshotKeyRequest): Promise<SnapshotKey> {
  const [manifests, versions] = await Promise.all([
    manifestEntries(request.mirrorPath, request.baseCommit, request.signal),
    toolchainVersions(request.plan.ecosystems, request.signal, request.dataDir),
  ]);
  const { plan } = request;
  const parts = [
    "format 1",
    `repo ${request.repo}`,
    `platform ${platformLine()}`,
    `sandbox ${request.sandbox}`,
    ...plan.commands.map(
      (command) =>
        `command ${command.cwd} ${JSON.stringify([command.command, ...command.args, command.env ?? {}])}`,
    ),
    ...plan.producedDirectories.map((directory) => `produces ${directory}`),
    `secrets ${plan.secretNames.join(",")}`,
    ...versions.map((line) => `toolchain ${line}`),
    ...manifests.map((line) => `manifest ${line}`),
  ];
  const key = createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32);
  return { key, parts };
}
