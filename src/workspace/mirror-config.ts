// The mirror's git config is Slipway's alone: rewritten from known values before every host git use,
// so nothing a run managed to write there (an uploadpack, an fsmonitor, an include, a worktree
// extension) is ever read by host git.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { WorkspaceError } from "../core/errors.ts";
import { isMirrorPath, mirrorBelongsTo } from "./mirror-name.ts";

/** Refs Slipway creates in a mirror; the source never overwrites them and `fetch --prune` never deletes them. */
export const slipwayBranchPattern = "refs/heads/slipway/*";

/** Only branches and tags come from the source: never its stash, notes, remotes or other private refs. */
export const mirrorFetchRefspecs: readonly string[] = [
  "+refs/heads/*:refs/heads/*",
  "+refs/tags/*:refs/tags/*",
  `^${slipwayBranchPattern}`,
];

export type ObjectFormat = "sha1" | "sha256";

export interface MirrorConfigValues {
  /** The source the mirror fetches from. */
  url: string;
  objectFormat: ObjectFormat;
}

/** A config file bigger than this was not written by Slipway; only its head is read. */
const maxConfigBytes = 64 * 1024;
const header = "# Written by Slipway before every use of this mirror: anything else here is discarded.";

function quoted(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (/[\x00-\x1f\x7f]/.test(value)) {
    throw new WorkspaceError(`the repository source ${JSON.stringify(value)} holds control characters`);
  }
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function unquoted(value: string): string {
  if (!(value.length >= 2 && value.startsWith('"') && value.endsWith('"'))) return value;
  return value.slice(1, -1).replace(/\\(.)/g, "$1");
}

/** The whole config of a mirror, from its known values: a bare repository with one fetch-only remote. Pure. */
export function mirrorConfigText(values: MirrorConfigValues): string {
  const sha256 = values.objectFormat === "sha256";
  return [
    header,
    "[core]",
    `\trepositoryformatversion = ${sha256 ? 1 : 0}`,
    "\tbare = true",
    ...(sha256 ? ["[extensions]", "\tobjectformat = sha256"] : []),
    '[remote "origin"]',
    `\turl = ${quoted(values.url)}`,
    ...mirrorFetchRefspecs.map((refspec) => `\tfetch = ${refspec}`),
    "",
  ].join("\n");
}

/**
 * The source URL and object format a (possibly tampered) config names, read without git. A wrong
 * guess is harmless: the URL is only used when it hashes to the mirror's name.
 */
export function readMirrorConfigValues(text: string): Partial<MirrorConfigValues> {
  const url = /^\s*url\s*=\s*(.*?)\s*$/m.exec(text)?.[1];
  const sha256 = /^\s*objectformat\s*=\s*sha256\s*$/im.test(text);
  return { url: url === undefined ? undefined : unquoted(url), objectFormat: sha256 ? "sha256" : "sha1" };
}

/** At most `maxConfigBytes` of a regular file, never following a link or blocking on a FIFO; undefined when absent. */
async function readSmallFile(file: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    // A link or something else odd in its place: treated as content Slipway did not write.
    return "";
  }
  try {
    if (!(await handle.stat()).isFile()) return "";
    const buffer = Buffer.alloc(maxConfigBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxConfigBytes, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}

/**
 * Make `<mirrorPath>/config` exactly Slipway's config, from `source` when the caller knows it, else
 * from the URL the config names when that URL hashes to the mirror's name. Throws when neither is
 * known: a mirror whose config names no verifiable source is not used.
 */
export async function secureMirrorConfig(mirrorPath: string, source?: string): Promise<void> {
  const configPath = path.join(mirrorPath, "config");
  const text = await readSmallFile(configPath);
  // No config at all (the mirror is gone, or never finished): git reads nothing there either.
  if (text === undefined && source === undefined) return;
  const found = readMirrorConfigValues(text ?? "");
  const url = source ?? found.url;
  if (url === undefined || (source === undefined && !mirrorBelongsTo(mirrorPath, url))) {
    throw new WorkspaceError(
      `the git config of the mirror ${mirrorPath} was changed by something other than Slipway; delete ${mirrorPath} and run again`,
      { details: { mirrorPath } },
    );
  }
  const wanted = mirrorConfigText({ url, objectFormat: found.objectFormat ?? "sha1" });
  if (text === wanted) return;
  const temporary = `${configPath}.slipway-${randomBytes(6).toString("hex")}`;
  await writeFile(temporary, wanted, { mode: 0o600, flag: "wx" });
  await rename(temporary, configPath);
}

/** Files git would read from a git dir that Slipway never writes: a redirect of the common dir, per-worktree config. */
async function removeStrayFiles(gitDir: string, names: readonly string[]): Promise<void> {
  for (const name of names) await rm(path.join(gitDir, name), { force: true, recursive: true });
}

/**
 * Before host git uses `gitDir`: when it is a mirror, or a worktree's admin directory inside one,
 * check that the admin directory points back at its mirror and rewrite the mirror's config. Any
 * other git dir (a user's repository, a temporary one) is left alone.
 */
export async function protectGitDir(gitDir: string): Promise<void> {
  const resolved = path.resolve(gitDir);
  if (isMirrorPath(resolved)) {
    await removeStrayFiles(resolved, ["commondir", "config.worktree"]);
    await secureMirrorConfig(resolved);
    return;
  }
  const mirror = path.dirname(path.dirname(resolved));
  if (path.basename(path.dirname(resolved)) !== "worktrees" || !isMirrorPath(mirror)) return;
  const commonDir = await readSmallFile(path.join(resolved, "commondir"));
  // `git worktree add` writes "../..": anything else, or none (git would read the admin dir's own
  // config), would send git to configuration Slipway did not write.
  if (commonDir?.trim() !== "../..") {
    throw new WorkspaceError(
      `the worktree metadata ${resolved} was changed by something other than Slipway (commondir); remove the run's worktree`,
      { details: { gitDir: resolved } },
    );
  }
  await removeStrayFiles(resolved, ["config.worktree"]);
  await removeStrayFiles(mirror, ["commondir", "config.worktree"]);
  await secureMirrorConfig(mirror);
}
