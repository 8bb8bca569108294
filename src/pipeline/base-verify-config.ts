// The repository's verification settings as they stand at the base commit, read from the mirror's
// objects: never from the worktree, whose `.slipway.yml` the agent may rewrite.
import { ConfigError } from "../core/errors.ts";
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

/**
 * The `verify` settings of `.slipway.yml` (or `.slipway.yaml`) at `baseCommit` in the mirror;
 * undefined when the commit has neither file or the file has no `verify` section. Throws a
 * ConfigError for a file that is not a regular file, is too large, or is invalid.
 */
export async function readBaseVerifyConfig(
  mirrorPath: string,
  baseCommit: string,
  signal?: AbortSignal,
): Promise<LoadedRepoVerifyConfig | undefined> {
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
  return parseRepoVerifyConfig(entry.path, blob.stdout);
}
