// The host toolchain versions a snapshot key records (`node --version`, `npm --version` …), asked
// once per installed program: each answer is kept in `<dataDir>/caches/toolchain-versions.json`
// under the program's fingerprint (its real path, device, inode, size, modification and change
// times), so a warm run spawns no version process — `npm --version` alone costs a few hundred
// milliseconds on a loaded host — while an upgraded or replaced program is asked again.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, realpath, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";

const run = promisify(execFile);
/** A toolchain that does not print its version within this long counts as absent. */
const versionTimeoutMs = 10_000;
/** A larger file is not read (and is rewritten from scratch): it only ever holds a few dozen entries. */
const maxFileBytes = 256 * 1024;
const maxEntries = 500;

const VersionFile = z.record(z.string(), z.string());

function versionsFile(dataDir: string): string {
  return path.join(dataDir, "caches", "toolchain-versions.json");
}

/** What identifies the installed program `name` on PATH, or undefined when it is not there. */
async function fingerprint(name: string): Promise<string | undefined> {
  const found = findOnPath(name, process.env.PATH ?? "/usr/bin:/bin");
  if (!found) return undefined;
  try {
    const real = await realpath(found);
    const info = await stat(real);
    return [name, real, info.dev, info.ino, info.size, info.mtimeMs, info.ctimeMs].join(" ");
  } catch {
    return undefined;
  }
}

async function askVersion(argv: string[], signal?: AbortSignal): Promise<string> {
  try {
    const { stdout, stderr } = await run(argv[0]!, argv.slice(1), {
      timeout: versionTimeoutMs,
      signal,
      maxBuffer: 64 * 1024,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/" },
    });
    return `${stdout}${stderr}`.trim().split("\n").slice(0, 3).join(" ");
  } catch {
    // Not installed, or it failed: either way the key records that, and a later install changes it.
    return "absent";
  }
}

async function readVersions(file: string): Promise<Record<string, string>> {
  try {
    const text = await readFile(file, "utf8");
    if (text.length > maxFileBytes) return {};
    return VersionFile.parse(JSON.parse(text));
  } catch {
    // Missing or damaged: every version is asked again and the file rewritten.
    return {};
  }
}

async function writeVersions(file: string, versions: Record<string, string>): Promise<void> {
  const entries = Object.entries(versions).slice(-maxEntries);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(6).toString("hex")}`;
  await writeFile(temporary, JSON.stringify(Object.fromEntries(entries)), { mode: 0o600 });
  await rename(temporary, file);
}

/**
 * The version line of each of `argvs` (in order). With `dataDir`, answers are reused for programs
 * whose fingerprint is unchanged; without it, every program is asked.
 */
export async function versionsOf(
  argvs: string[][],
  dataDir?: string,
  signal?: AbortSignal,
): Promise<string[]> {
  if (!dataDir) return Promise.all(argvs.map((argv) => askVersion(argv, signal)));
  const file = versionsFile(dataDir);
  const known = await readVersions(file);
  const prints = await Promise.all(argvs.map((argv) => fingerprint(argv[0]!)));
  let changed = false;
  const versions = await Promise.all(
    argvs.map(async (argv, index) => {
      const print = prints[index];
      // Not on PATH: nothing to remember (installing it changes the answer).
      if (!print) return "absent";
      const id = `${print} ${argv.slice(1).join(" ")}`;
      if (known[id] !== undefined) return known[id];
      changed = true;
      known[id] = await askVersion(argv, signal);
      return known[id];
    }),
  );
  // A failed write only means asking again next time.
  if (changed) await writeVersions(file, known).catch(() => undefined);
  return versions;
}
