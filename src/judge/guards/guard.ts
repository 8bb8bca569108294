// The scope-guard contract: a guard reads a parsed diff and a policy and returns exact findings.
import { posix } from "node:path";
import { z } from "zod";
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import { defaultProtectedPaths } from "./heuristics/default-protected-paths.ts";

/** One thing a guard objects to. */
export interface GuardFinding {
  /** Name of the guard that found it, e.g. `secrets`. */
  guard: string;
  /** Repository-relative path; "" when the finding is about the whole diff (its size). */
  file: string;
  /** Line in the new file (for removed content: in the old file), when one line is at fault. */
  line?: number;
  /** One line: what is wrong and what would make the guard pass. Never contains a secret. */
  message: string;
}

/** A deterministic check on a run's diff. Pure: no I/O, the same input gives the same findings. */
export interface Guard {
  readonly name: string;
  check(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[];
}

/** Files a change must not touch without explicit permission (the list and why: see the module). */
export { defaultProtectedPaths };

const globs = z.array(z.string().min(1));

/**
 * What the guards allow, from `.slipway.yml` and the task. Globs are matched against
 * repository-relative paths with node's `path.matchesGlob`; `*` and `**` also match names that
 * start with a dot.
 */
export const GuardPolicy = z
  .object({
    allowedPaths: globs.default(() => []).describe("globs a change may touch; empty allows every path"),
    forbiddenPaths: globs.default(() => []).describe("globs a change must never touch"),
    maxFilesChanged: z
      .number()
      .int()
      .positive()
      .default(50)
      .describe("files added, changed, renamed or deleted"),
    maxLinesChanged: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe("added + removed lines, lockfiles not counted"),
    protectedPaths: globs
      .default(() => [...defaultProtectedPaths])
      .describe(
        "globs that need explicit permission (allowProtected): CI, build and test configuration, hooks, package-manager settings, lockfiles, manifests",
      ),
    allowProtected: globs.default(() => []).describe("protected globs this task may touch"),
    allowBinary: globs
      .default(() => [])
      .describe(
        "globs of text-typed paths (source, config, docs) that may receive content git shows as binary",
      ),
    allowSymlinks: globs
      .default(() => [])
      .describe(
        "globs of paths where a change may add or retarget a symbolic link (none by default: a link can stand in for a protected path or a file outside the repository)",
      ),
    allowTestChanges: z
      .object({
        skips: z.boolean().default(false).describe("allow adding skip/only/ignore markers to tests"),
        removals: z.boolean().default(false).describe("allow deleting test cases and test files"),
      })
      .strict()
      .prefault({}),
    secrets: z.boolean().default(true).describe("refuse added lines that look like credentials"),
    placeholders: z.boolean().default(true).describe("refuse added TODOs, stubs and empty function bodies"),
  })
  .strict();
export type GuardPolicy = z.infer<typeof GuardPolicy>;

// matchesGlob never lets `*` or `**` match a leading dot (.github, .env); matching a second time
// with each leading dot replaced by a character no glob contains gives the `dot: true` reading.
const dotStandIn = "\uE000";

/** The first glob of `patterns` that `path` matches, or undefined. */
export function firstMatchingGlob(path: string, patterns: readonly string[]): string | undefined {
  const dotless = path.replace(/(^|\/)\./g, `$1${dotStandIn}`);
  return patterns.find((pattern) => posix.matchesGlob(path, pattern) || posix.matchesGlob(dotless, pattern));
}

/** Every path a file's change touches: its path and, for a rename, the path it left. */
export function touchedPaths(file: DiffFile): string[] {
  return file.status === "renamed" && file.oldPath !== undefined ? [file.oldPath, file.path] : [file.path];
}
