// Follow-up claims: one per trigger, counted by kind, and atomic across processes on one file.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { openSqliteStore } from "./sqlite-store.ts";

const dir = mkdtempSync(path.join(tmpdir(), "slipway-follow-ups-"));
after(() => rmSync(dir, { recursive: true, force: true }));
// A whole record, as callers pass it: fields beyond the key must not reach the statements.
const pr = { forge: "github", repository: "acme/api", number: 7, url: "https://x.invalid/7", title: "t" };

test("a trigger is claimed once; claims are counted by kind", async () => {
  const store = await openSqliteStore(path.join(dir, "one.db"));
  try {
    assert.equal(await store.claimFollowUp({ ...pr, trigger: "ci:abc", kind: "ci" }), true);
    assert.equal(await store.claimFollowUp({ ...pr, trigger: "ci:abc", kind: "ci" }), false);
    assert.equal(await store.claimFollowUp({ ...pr, trigger: "ci:def", kind: "ci" }), true);
    assert.equal(await store.claimFollowUp({ ...pr, trigger: "comment:1", kind: "review" }), true);
    assert.equal(await store.claimFollowUp({ ...pr, number: 8, trigger: "ci:abc", kind: "ci" }), true);
    assert.equal(await store.countFollowUps(pr, "ci"), 2);
    assert.equal(await store.countFollowUps(pr, "review"), 1);
    assert.equal(await store.countFollowUps(pr, "report"), 0);
  } finally {
    await store.close();
  }
});

test("processes racing for the same trigger: exactly one wins", async () => {
  const file = path.join(dir, "race.db");
  (await openSqliteStore(file)).close();
  const storeModule = fileURLToPath(new URL("./sqlite-store.ts", import.meta.url));
  const claimer = `
    const { openSqliteStore } = await import(${JSON.stringify(storeModule)});
    const store = await openSqliteStore(${JSON.stringify(file)});
    const won = await store.claimFollowUp({ forge: "github", repository: "acme/api", number: 7, trigger: "ci:race", kind: "ci" });
    await store.close();
    process.stdout.write(String(won));`;
  const run = promisify(execFile);
  const results = await Promise.all(
    Array.from({ length: 4 }, () =>
      run(process.execPath, ["--input-type=module", "--disable-warning=ExperimentalWarning", "-e", claimer]),
    ),
  );
  const wins = results.map((result) => result.stdout).filter((out) => out === "true");
  assert.equal(wins.length, 1, results.map((result) => result.stdout).join(","));
});
