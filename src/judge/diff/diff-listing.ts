// Parsers for git's small -z listings of a change (`--raw`, `--numstat`): per file its modes, blob
// ids and line counts, read before (or instead of) the patch itself. Pure.

/** One file of `git diff --raw -z --no-abbrev`. Modes and ids are absent on a side that has none. */
export interface RawEntry {
  path: string;
  /** The path before a rename or copy. */
  oldPath?: string;
  /** Git's status letter: A, M, D, R, C, T. */
  status: string;
  oldMode?: string;
  newMode?: string;
  oldId?: string;
  newId?: string;
}

const missing = /^0+$/;

/** Every entry of `git diff --raw -z --no-abbrev`, in git's order. */
export function parseRawEntries(text: string): RawEntry[] {
  const entries: RawEntry[] = [];
  const fields = text.split("\0");
  for (let index = 0; index < fields.length; index++) {
    const header = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/.exec(fields[index]!);
    if (!header) continue;
    const [, oldMode, newMode, oldId, newId, status] = header as unknown as string[];
    const twoPaths = status === "R" || status === "C";
    const path = fields[index + (twoPaths ? 2 : 1)] ?? "";
    const oldPath = twoPaths ? fields[index + 1] : undefined;
    index += twoPaths ? 2 : 1;
    entries.push({
      path,
      ...(oldPath === undefined ? {} : { oldPath }),
      status: status!,
      ...(missing.test(oldMode!) ? {} : { oldMode }),
      ...(missing.test(newMode!) ? {} : { newMode }),
      ...(missing.test(oldId!) ? {} : { oldId }),
      ...(missing.test(newId!) ? {} : { newId }),
    });
  }
  return entries;
}

/** Added and removed line counts of one file; undefined when git counts it as binary (`-`). */
export type LineCounts = { added: number; removed: number } | undefined;

/** Line counts by new path from `git diff --numstat -z`; a rename's two names read as one entry. */
export function parseNumstat(text: string): Map<string, LineCounts> {
  const counts = new Map<string, LineCounts>();
  const fields = text.split("\0");
  for (let index = 0; index < fields.length; index++) {
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(fields[index]!);
    if (!match) continue;
    let path = match[3]!;
    // A rename prints an empty name, then the old and the new name as fields of their own.
    if (path === "") {
      path = fields[index + 2] ?? "";
      index += 2;
    }
    const binary = match[1] === "-" || match[2] === "-";
    counts.set(path, binary ? undefined : { added: Number(match[1]), removed: Number(match[2]) });
  }
  return counts;
}
