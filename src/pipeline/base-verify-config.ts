// The repository's verification settings as they stand at the base commit, read from the mirror's
// objects: never from the worktree, whose `.slipway.yml` the agent may rewrite.
import { ConfigError } from "../core/errors.ts";
import { type LoadedRepoSetupConfig, parseRepoSetupConfig } from "../setup/repo-setup-config.ts";
import {
  type LoadedRepoVerifyConfig,
  parseRepoVerifyConfig,
  repoConfigFiles,
} from "../verify/repo-config.ts";
import { runGit } from "../workspace/git.ts";

/** A configuration file is a few kilobytes; anything this large is refused, not parsed. */
export const maxRepoConfigBytes = 256 * 1024;

interface TreeEntry {
  mode: string;
  type: string;
  objectId: string;
  path: string;
}

/** Parse `git ls-tree -z` output: `<mode> <type> <object>\t<path>` entries, NUL-terminated. */
export function parseTreeEntries(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split("\0")) {
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(record);
    if (match) entries.push({ mode: match[1]!, type: match[2]!, objectId: match[3]!, path: match[4]! });
  }
  return entries;
}

/** The repository's `.slipway.yml` (or `.slipway.yaml`) as it stands at a commit: its name and text. */
export interface RepoConfigText {
  file: string;
  text: string;
}

/**
 * The text of `.slipway.yml` (or `.slipway.yaml`) at `baseCommit` in the mirror, read from git's
 * objects (never the worktree, whose copy the agent may rewrite or replace with a link); undefined
 * when the commit has neither. Throws a ConfigError for one that is not a regular file or is too large.
 */
export async function readBaseRepoConfig(
  mirrorPath: string,
  baseCommit: string,
  signal?: AbortSignal,
): Promise<RepoConfigText | undefined> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(baseCommit)) {
    throw new ConfigError(`"${baseCommit}" is not a commit id; the base must be resolved first`);
  }
  const listing = await runGit(["ls-tree", "-z", "--full-tree", baseCommit, "--", ...repoConfigFiles], {
    gitDir: mirrorPath,
    signal,
  });
  const entries = parseTreeEntries(listing.stdout);
  const entry = repoConfigFiles
    .map((name) => entries.find((candidate) => candidate.path === name))
    .find((found) => found !== undefined);
  if (!entry) return undefined;
  // A symlink or a directory at the base is the repository's own trick: refuse it, never follow it.
  if (entry.type !== "blob" || !["100644", "100755"].includes(entry.mode)) {
    throw new ConfigError(`${entry.path} at the base commit is not a regular file; make it one`);
  }
  const blob = await runGit(["cat-file", "blob", entry.objectId], {
    gitDir: mirrorPath,
    signal,
    maxOutputBytes: maxRepoConfigBytes,
  }).catch((error: unknown) => {
    throw new ConfigError(
      `${entry.path} at the base commit could not be read (over ${maxRepoConfigBytes} bytes?)`,
      { cause: error },
    );
  });
  return { file: entry.path, text: blob.stdout };
}

/**
 * The `verify` settings of the base commit's `.slipway.yml`; undefined when there is no such file or
 * it has no `verify` section. Throws a ConfigError for an invalid file.
 */
export function verifyConfigOf(config: RepoConfigText | undefined): LoadedRepoVerifyConfig | undefined {
  return config ? parseRepoVerifyConfig(config.file, config.text) : undefined;
}

/** `readBaseRepoConfig`, then its `verify` settings. */
export async function readBaseVerifyConfig(
  mirrorPath: string,
  baseCommit: string,
  signal?: AbortSignal,
): Promise<LoadedRepoVerifyConfig | undefined> {
  return verifyConfigOf(await readBaseRepoConfig(mirrorPath, baseCommit, signal));
}

/**
 * The `setup` settings of the base commit's `.slipway.yml`; undefined when there is no such file or
 * it has no `setup` section. Throws a ConfigError for an invalid section, naming the key.
 */
export function setupConfigOf(config: RepoConfigText | undefined): LoadedRepoSetupConfig | undefined {
  return config ? parseRepoSetupConfig(config.file, config.text) : undefined;
}
