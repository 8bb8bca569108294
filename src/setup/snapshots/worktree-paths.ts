// A warm snapshot holds absolute paths of the worktree it was installed in (a venv's console
// scripts `#!/…/run-1/.venv/bin/python`, its activate scripts, an editable install's .pth file,
// pnpm's shims in node_modules/.bin). Restored into another run's worktree they name a directory
// that is gone, so the agent's `.venv/bin/pytest` fails. At restore, the known places of such paths
// are rewritten to this worktree: a few small text files, written through the worktree (on an
// overlay only they are copied up into the run's private layer; the snapshot is never written).
import { FileAccessError } from "../../workspace/file-access-error.ts";
import {
  type ListedEntry,
  listDirectoryInside,
  readRegularFileInside,
  writeRegularFileInside,
} from "../../workspace/safe-fs.ts";

/** Folders of a dependency directory whose files carry the install's path (venv, node_modules). */
const scriptFolders = ["bin", ".bin", "Scripts"];
/** At most this many files are looked at per restore, each read only when this small. */
const maxFiles = 4096;
const maxFileBytes = 256 * 1024;
const maxListing = 4096;
const parallelFiles = 16;

async function list(worktree: string, relative: string): Promise<ListedEntry[]> {
  try {
    return (await listDirectoryInside(worktree, relative, { maxEntries: maxListing })).entries;
  } catch (error) {
    // Missing, a link or not a directory: nothing of ours to rewrite there.
    if (FileAccessError.isFileAccessError(error)) return [];
    throw error;
  }
}

/** The candidate files of `directory`: its script folders' files and site-packages' .pth files. */
async function candidates(worktree: string, directory: string): Promise<string[]> {
  const files: string[] = [];
  for (const folder of scriptFolders) {
    for (const entry of await list(worktree, `${directory}/${folder}`))
      if (entry.kind === "file") files.push(`${directory}/${folder}/${entry.name}`);
  }
  for (const lib of await list(worktree, `${directory}/lib`)) {
    if (lib.kind !== "directory" || !lib.name.startsWith("python")) continue;
    const sitePackages = `${directory}/lib/${lib.name}/site-packages`;
    for (const entry of await list(worktree, sitePackages))
      if (entry.kind === "file" && entry.name.endsWith(".pth")) files.push(`${sitePackages}/${entry.name}`);
  }
  return files;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replace `pattern` in `file` when it is a small regular text file; true when it was rewritten. */
async function rewriteFile(
  worktree: string,
  file: string,
  pattern: RegExp,
  replacement: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const bytes = await readRegularFileInside(worktree, file, { maxBytes: maxFileBytes, signal });
    if (bytes.includes(0)) return false;
    // latin1 maps each byte to one character and back: bytes outside the path stay as they were.
    const text = bytes.toString("latin1");
    const changed = text.replace(pattern, replacement);
    if (changed === text) return false;
    await writeRegularFileInside(worktree, file, Buffer.from(changed, "latin1"));
    return true;
  } catch (error) {
    // Too large, hard-linked, swapped for a link: left as it is.
    if (FileAccessError.isFileAccessError(error)) return false;
    throw error;
  }
}

/**
 * Rewrite `from` (the worktree the snapshot was installed in) to `worktree` in the known script
 * and path files of `directories`. Only regular text files (no NUL byte) under the size cap, never
 * through a link or into a hard-linked file; `from` is replaced only where a path component ends
 * (`/run-1` never matches inside `/run-10`). Returns the files rewritten and how many were read.
 */
export async function rewriteWorktreePaths(
  worktree: string,
  directories: readonly string[],
  from: string | undefined,
  signal?: AbortSignal,
): Promise<{ rewritten: string[]; examined: number }> {
  const rewritten: string[] = [];
  if (!from || from === worktree) return { rewritten, examined: 0 };
  // Paths as latin1 text of their UTF-8 bytes, like the files' text below.
  const asBytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");
  const pattern = new RegExp(`${escapeRegExp(asBytes(from))}(?=$|[^A-Za-z0-9._-])`, "g");
  const replacement = asBytes(worktree).replaceAll("$", "$$$$");
  const files: string[] = [];
  for (const directory of directories) files.push(...(await candidates(worktree, directory)));
  const examined = Math.min(files.length, maxFiles);
  // A few at a time: each file is a read and maybe a write, mostly waiting on the disk.
  for (let start = 0; start < examined; start += parallelFiles) {
    const batch = files.slice(start, Math.min(start + parallelFiles, examined));
    const changed = await Promise.all(
      batch.map((file) => rewriteFile(worktree, file, pattern, replacement, signal)),
    );
    rewritten.push(...batch.filter((_, index) => changed[index]));
  }
  return { rewritten, examined };
}
