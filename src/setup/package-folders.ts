// Finds the folders of a worktree that hold a package manifest (package.json, go.mod, …), so setup
// can install each package where it lives. A bounded walk through safe-fs: it never enters a link,
// skips dependency and build directories, and stops at a depth, an entry count and a time limit.
import { FileAccessError, listDirectoryInside } from "../workspace/safe-fs.ts";

/** Folder levels below the root looked at (`services/api/v2` is 3). */
export const maxFolderDepth = 3;
/** Directory entries looked at over the whole walk before it stops (`cut` then says so). */
const maxEntries = 20_000;
/** Entries read from one directory. */
const maxEntriesPerDirectory = 2_000;
/** The whole walk's time limit: the tree is the repository's, possibly built to be slow. */
const walkTimeoutMs = 10_000;

/**
 * Never descended into: installed dependencies, build output, vendored code and test fixtures
 * (a fixture's package.json is a test's input, not a package to install), and the tooling beside
 * a project that its checks do not run — benchmarks, fuzzers, profilers, scripts, documentation
 * sites — whose installs (a fuzzer's native build, a docs site's hundreds of MB) could fail or
 * slow a setup for nothing (measured on hukkin/tomli: four such requirements.txt). Hidden folders neither.
 */
export const skippedFolders: ReadonlySet<string> = new Set([
  "node_modules",
  "vendor",
  "target",
  "dist",
  "build",
  "out",
  "venv",
  "__pycache__",
  "testdata",
  "fixtures",
  "__fixtures__",
  "test-fixtures",
  "examples",
  "example",
  "third_party",
  "third-party",
  "bench",
  "benchmark",
  "benchmarks",
  "fuzz",
  "fuzzer",
  "fuzzing",
  "profiler",
  "scripts",
  "docs",
  "doc",
  "website",
]);

export interface PackageFolders {
  /** Folder (relative, "." for the root) → the manifest names found in it; root first, then by depth. */
  folders: Map<string, Set<string>>;
  /** True when a bound stopped the walk: deeper or later folders may be missing. */
  cut: boolean;
}

function join(directory: string, name: string): string {
  return directory === "." ? name : `${directory}/${name}`;
}

/** Every folder up to `maxFolderDepth` below `worktree` holding a file whose name `isManifest` accepts. */
export async function findPackageFolders(
  worktree: string,
  isManifest: (name: string) => boolean,
  signal: AbortSignal = AbortSignal.timeout(walkTimeoutMs),
): Promise<PackageFolders> {
  const folders = new Map<string, Set<string>>();
  let level = ["."];
  let seen = 0;
  for (let depth = 0; depth <= maxFolderDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const directory of level) {
      if (signal.aborted || seen >= maxEntries) return { folders, cut: true };
      let listed: Awaited<ReturnType<typeof listDirectoryInside>>;
      try {
        listed = await listDirectoryInside(worktree, directory, { maxEntries: maxEntriesPerDirectory });
      } catch (error) {
        // Replaced by a link or removed since it was listed: not a folder to look into.
        if (FileAccessError.isFileAccessError(error)) continue;
        throw error;
      }
      seen += listed.entries.length;
      const manifests = listed.entries
        .filter((entry) => entry.kind === "file" && isManifest(entry.name))
        .map((entry) => entry.name);
      if (manifests.length > 0) folders.set(directory, new Set(manifests));
      for (const entry of listed.entries) {
        if (entry.kind !== "directory" || entry.name.startsWith(".") || skippedFolders.has(entry.name))
          continue;
        next.push(join(directory, entry.name));
      }
      if (listed.cut) return { folders, cut: true };
    }
    level = next.sort();
  }
  return { folders, cut: false };
}

/** True when `folder` is `ancestor` or lies below it (both relative, "." is the root). */
export function isWithinFolder(folder: string, ancestor: string): boolean {
  return ancestor === "." || folder === ancestor || folder.startsWith(`${ancestor}/`);
}
