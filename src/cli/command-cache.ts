// `slipway cache list` and `slipway cache prune [--all]`: the warm dependency snapshots under the
// data directory — what each holds, how large it is, when it was last used — and their removal,
// and the size of setup's download caches (removed by prune --all).
// Reads no store and creates nothing: a data directory without snapshots lists none.
import type { Command } from "commander";
import { cachesRoot, downloadCacheBytes, removeDownloadCaches } from "../setup/caches/download-caches.ts";
import { listSnapshots, pruneSnapshots, type SnapshotMeta } from "../setup/snapshots/snapshot-store.ts";
import { type GlobalOptions, loadAppSettings } from "./app-context.ts";
import { renderTable } from "./format.ts";

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

export function renderSnapshots(snapshots: readonly SnapshotMeta[], maxBytes: number): string {
  if (snapshots.length === 0) return "no warm snapshots";
  const total = snapshots.reduce((sum, snapshot) => sum + snapshot.bytes, 0);
  const table = renderTable(
    ["key", "size", "last used", "directories", "repository"],
    snapshots.map((snapshot) => [
      snapshot.key.slice(0, 12),
      mebibytes(snapshot.bytes),
      snapshot.lastUsedAt.replace("T", " ").slice(0, 19),
      snapshot.directories.join(", "),
      snapshot.repo,
    ]),
  );
  return `${table}\n\n${snapshots.length} ${snapshots.length === 1 ? "snapshot" : "snapshots"}, ${mebibytes(total)} of ${mebibytes(maxBytes)} (cache.maxBytes)`;
}

export function registerCacheCommand(program: Command, global: () => GlobalOptions): void {
  const cache = program
    .command("cache")
    .description("list or prune the warm dependency snapshots that let a run skip its install");
  cache
    .command("list")
    .description("the snapshots, most recently used first, with their size")
    .option("--json", "print them as JSON", false)
    .action(async (flags: { json: boolean }) => {
      const { dataDir, config } = loadAppSettings(global());
      const snapshots = await listSnapshots(dataDir);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(snapshots, null, 2)}\n`);
        return;
      }
      const downloads = await downloadCacheBytes(dataDir);
      process.stdout.write(
        `${renderSnapshots(snapshots, config.cache.maxBytes)}\ndownload caches: ${mebibytes(downloads)} in ${cachesRoot(dataDir)} (prune --all removes them)\n`,
      );
    });
  cache
    .command("prune")
    .description(
      "remove the least recently used snapshots above cache.maxBytes, and leftovers of crashed saves",
    )
    .option("--all", "remove every snapshot and setup's download caches", false)
    .action(async (flags: { all: boolean }) => {
      const { dataDir, config } = loadAppSettings(global());
      const { removed, leftovers } = await pruneSnapshots(dataDir, {
        maxBytes: config.cache.maxBytes,
        all: flags.all,
        // Without --all, a snapshot a running run restored stays: its gate reads it again.
        keepUsedWithinMs: config.limits.maxMinutes * 60_000,
      });
      const freed = removed.reduce((sum, snapshot) => sum + snapshot.bytes, 0);
      if (flags.all) await removeDownloadCaches(dataDir);
      process.stdout.write(
        `removed ${removed.length} ${removed.length === 1 ? "snapshot" : "snapshots"} (${mebibytes(freed)})${leftovers > 0 ? ` and ${leftovers} leftovers` : ""}${flags.all ? "; download caches removed" : ""}\n`,
      );
    });
}
