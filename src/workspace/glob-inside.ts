// Expands a directory glob (`packages/*`, `apps/**`) inside a worktree without ever entering a link:
// every directory is listed through safe-fs's descriptor walk, so a link to `/` planted in the
// repository neither walks the host's filesystem nor yields host directories. Bounded by the number
// of entries looked at and by a signal, because the globs come from files the agent may edit.
import path from "node:path";
import { entryKindInside, FileAccessError, listDirectoryInside } from "./safe-fs.ts";

export interface GlobInsideOptions {
  /** Directory entries looked at, over all patterns, before the walk stops (`cut` then says so). */
  maxEntries: number;
  /** Directory names never descended into (`node_modules`). */
  skipped?: ReadonlySet<string>;
  /** Stops the walk (`cut` then says so); a time limit, usually. */
  signal: AbortSignal;
}

export interface GlobInsideResult {
  /** Matching directories relative to the root ("." for the root itself), in the order found. */
  directories: string[];
  /** True when the entry bound or the signal stopped the walk: the list may be incomplete. */
  cut: boolean;
}

const globCharacters = /[*?[\]{}!]/;

/** One pending step: the directory reached and the index of the pattern segment it must match next. */
interface Step {
  directory: string;
  segment: number;
}

function join(directory: string, name: string): string {
  return directory === "." ? name : `${directory}/${name}`;
}

/** The segments of a relative glob; `.` and empty ones dropped. Refuses `..` and absolute patterns. */
export function globSegments(pattern: string): string[] {
  if (path.isAbsolute(pattern))
    throw new FileAccessError("invalid-path", pattern, `glob "${pattern}" is absolute`);
  const segments = pattern.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes(".."))
    throw new FileAccessError("invalid-path", pattern, `glob "${pattern}" contains ".."`);
  return segments;
}

/** A walk shared by every pattern of one call: its entry budget and what it already found. */
class GlobWalk {
  readonly found = new Set<string>();
  cut = false;
  private entriesLeft: number;
  private readonly root: string;
  private readonly options: GlobInsideOptions;

  constructor(root: string, options: GlobInsideOptions) {
    this.root = root;
    this.options = options;
    this.entriesLeft = options.maxEntries;
  }

  /** False (and `cut` set) once the budget or the signal says stop. */
  private mayGoOn(): boolean {
    if (this.entriesLeft <= 0 || this.options.signal.aborted) this.cut = true;
    return !this.cut;
  }

  /** The child directories of `directory` (links, files and skipped names left out); [] if it vanished or became a link. */
  private async childDirectories(directory: string): Promise<string[]> {
    try {
      const listing = await listDirectoryInside(this.root, directory, { maxEntries: this.entriesLeft });
      this.entriesLeft -= listing.entries.length;
      if (listing.cut) this.entriesLeft = 0;
      return listing.entries
        .filter((entry) => entry.kind === "directory" && !this.options.skipped?.has(entry.name))
        .map((entry) => entry.name)
        .sort();
    } catch (error) {
      // Swapped for a link or removed since its parent was listed: it holds nothing to match.
      if (FileAccessError.isFileAccessError(error)) return [];
      throw error;
    }
  }

  private async isDirectory(relative: string): Promise<boolean> {
    this.entriesLeft -= 1;
    try {
      return (await entryKindInside(this.root, relative)) === "directory";
    } catch (error) {
      if (FileAccessError.isFileAccessError(error)) return false;
      throw error;
    }
  }

  /** The steps that follow `step` (whose segment is not past the end). */
  private async next(step: Step, segments: readonly string[]): Promise<Step[]> {
    const segment = segments[step.segment]!;
    if (segment === "**") {
      // `**` matches no directory (move on) or one more (stay on `**`); like `*`, not a dot directory.
      const children = await this.childDirectories(step.directory);
      return [
        { directory: step.directory, segment: step.segment + 1 },
        ...children
          .filter((name) => !name.startsWith("."))
          .map((name) => ({ directory: join(step.directory, name), segment: step.segment })),
      ];
    }
    if (!globCharacters.test(segment)) {
      if (this.options.skipped?.has(segment)) return [];
      const child = join(step.directory, segment);
      return (await this.isDirectory(child)) ? [{ directory: child, segment: step.segment + 1 }] : [];
    }
    const children = await this.childDirectories(step.directory);
    return children
      .filter((name) => path.matchesGlob(name, segment))
      .map((name) => ({ directory: join(step.directory, name), segment: step.segment + 1 }));
  }

  async expand(pattern: string): Promise<void> {
    const segments = globSegments(pattern);
    const seen = new Set<string>();
    const pending: Step[] = [{ directory: ".", segment: 0 }];
    while (pending.length > 0 && this.mayGoOn()) {
      const step = pending.pop()!;
      const key = `${step.segment}\0${step.directory}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (step.segment === segments.length) this.found.add(step.directory);
      else pending.push(...(await this.next(step, segments)).reverse());
    }
  }
}

/**
 * The directories under `root` that match any of `patterns` (relative globs: `*`, `?`, `[…]`,
 * `{a,b}` within one segment, `**` for any depth), found without entering a link.
 */
export async function globDirectoriesInside(
  root: string,
  patterns: readonly string[],
  options: GlobInsideOptions,
): Promise<GlobInsideResult> {
  const walk = new GlobWalk(root, options);
  for (const pattern of patterns) {
    if (walk.cut) break;
    await walk.expand(pattern);
  }
  return { directories: [...walk.found], cut: walk.cut };
}
