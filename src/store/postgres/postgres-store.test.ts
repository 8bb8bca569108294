// The Store and RunQueue contracts against a real Postgres server this file starts (one per file),
// each case on an emptied schema. Without a server the file skips with the reason printed, unless
// SLIPWAY_REQUIRE_POSTGRES=1 (CI sets it), which makes that a failure.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { promisify } from "node:util";
import postgres, { type Sql } from "postgres";
import { SlipwayConfig } from "../../config/config-schema.ts";
import { describeBudgetLedgerContract } from "../budget-ledger.contract.ts";
import { openConfiguredStore } from "../open-store.ts";
import { describeQueueContract } from "../run-queue.contract.ts";
import { describeStoreContract } from "../store.contract.ts";
import { StoreBusyError } from "../store-errors.ts";
import { makeRun, makeTask } from "../store-fixtures.ts";
import { startTestPostgres, type TestPostgres } from "./postgres-server-fixture.ts";
import { openPostgresStore } from "./postgres-store.ts";

const run = promisify(execFile);
const started = await startTestPostgres();
const schema = `contract_${process.pid}`;
let admin: Sql | undefined;

after(async () => {
  await admin?.end({ timeout: 5 });
  if ("url" in started) await started.stop();
});

/** A store on an emptied schema: truncating is far quicker than migrating a new schema per case. */
async function freshStore(server: TestPostgres) {
  const store = await openPostgresStore(server.url, { schema });
  admin ??= postgres(server.url, { max: 1, onnotice: () => undefined, connection: { search_path: schema } });
  await admin`TRUNCATE tasks, runs, run_events, pull_requests, pull_request_comments, branch_pushes, follow_ups, run_queue, budget_spend RESTART IDENTITY CASCADE`;
  return store;
}

function registerCases(server: TestPostgres): void {
  describeStoreContract("postgres", async () => ({
    store: await freshStore(server),
    cleanup: async () => undefined,
  }));

  describeQueueContract("postgres", async () => ({
    store: await freshStore(server),
    another: () => openPostgresStore(server.url, { schema }),
    cleanup: async () => undefined,
  }));

  describeBudgetLedgerContract("postgres", async () => ({
    store: await freshStore(server),
    another: () => openPostgresStore(server.url, { schema }),
    cleanup: async () => undefined,
  }));

  describe("postgres store", () => {
    test("a server that refuses connections is one clear StoreError naming it without the password", async () => {
      const unreachable = "postgres://slipway:hunter2secret@127.0.0.1:1/postgres";
      await assert.rejects(openPostgresStore(unreachable), (error: Error) => {
        assert.match(
          error.message,
          /cannot reach the Postgres store at postgres:\/\/127\.0\.0\.1:1\/postgres/,
        );
        assert.equal(error.message.includes("hunter2secret"), false, "the password leaked into the message");
        return true;
      });
    });

    test("claimers in separate processes racing for 60 runs lease each exactly once", async () => {
      const store = await freshStore(server);
      const task = makeTask();
      await store.createTask(task);
      const ids: string[] = [];
      for (let index = 0; index < 60; index++) {
        const queued = makeRun(task, index, { status: "queued" });
        await store.createRun(queued);
        await store.enqueueRun(queued.id);
        ids.push(queued.id);
      }
      await store.close();
      const moduleUrl = new URL("./postgres-store.ts", import.meta.url).href;
      const script = `
        import { openPostgresStore } from ${JSON.stringify(moduleUrl)};
        const store = await openPostgresStore(process.env.TEST_DB_URL, { schema: process.env.TEST_DB_SCHEMA });
        const claimed = [];
        for (let i = 0; i < 100; i++) {
          const lease = await store.claimRun("worker-" + process.pid, 60000, { maxConcurrentRuns: 1000, maxRunsPerRepository: 1000 });
          if (!lease) break;
          claimed.push(lease.runId);
        }
        await store.close();
        process.stdout.write(JSON.stringify(claimed));`;
      const env = { ...process.env, TEST_DB_URL: server.url, TEST_DB_SCHEMA: schema };
      const claimer = () =>
        run(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
          env,
          timeout: 120_000,
        });
      const outputs = await Promise.all([claimer(), claimer(), claimer()]);
      const claimed = outputs.flatMap((output) => JSON.parse(output.stdout) as string[]);
      assert.equal(claimed.length, ids.length, "no run claimed twice, none left over");
      assert.deepEqual([...claimed].sort(), [...ids].sort());
    });

    test("`slipway runs` with store.backend postgres reads the database; without the variable it is one line, exit 2", async () => {
      const directory = await mkdtemp(path.join(tmpdir(), "slipway-pg-cli-"));
      try {
        const config = path.join(directory, "slipway.yaml");
        await writeFile(config, "store:\n  backend: postgres\n  urlEnv: CLI_DB_URL\n");
        const slipway = new URL("../../../bin/slipway.js", import.meta.url).pathname;
        const args = [
          slipway,
          "--config",
          config,
          "--data-dir",
          path.join(directory, "data"),
          "runs",
          "--json",
        ];
        const { CLI_DB_URL: _unset, ...env } = process.env;
        const listed = await run(process.execPath, args, {
          env: { ...env, CLI_DB_URL: server.url },
          timeout: 60_000,
        });
        assert.ok(Array.isArray(JSON.parse(listed.stdout)));
        await assert.rejects(
          run(process.execPath, args, { env, timeout: 60_000 }),
          (error: Error & { code?: number; stderr?: string }) => {
            assert.equal(error.code, 2);
            assert.match(error.stderr ?? "", /CLI_DB_URL \(store\.urlEnv\) is not set/);
            assert.equal((error.stderr ?? "").trim().split("\n").length, 1);
            return true;
          },
        );
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });

    test("a write waiting past the lock timeout on another transaction's lock fails with StoreBusyError", async () => {
      await freshStore(server).then((emptied) => emptied.close());
      const store = await openPostgresStore(server.url, { schema, lockTimeoutMs: 200 });
      try {
        const task = makeTask();
        await store.createTask(task);
        const locked = makeRun(task, 1);
        await store.createRun(locked);
        await admin!.begin(async (tx) => {
          await tx`SELECT 1 FROM runs WHERE id = ${locked.id} FOR UPDATE`;
          await assert.rejects(store.updateRun(locked.id, { turns: 1 }), (error: Error) => {
            assert.ok(error instanceof StoreBusyError);
            assert.match(
              error.message,
              /held a lock on postgres:\/\/127\.0\.0\.1:\d+\/postgres past the lock timeout/,
            );
            return true;
          });
        });
        assert.equal(
          (await store.updateRun(locked.id, { turns: 2 })).turns,
          2,
          "once the lock is gone the write goes through",
        );
      } finally {
        await store.close();
      }
    });

    test("store.backend postgres opens the database whose URL the variable store.urlEnv names", async () => {
      const config = SlipwayConfig.parse({ store: { backend: "postgres", urlEnv: "TEST_DB_URL" } });
      const store = await openConfiguredStore({
        config,
        dataDir: "/nonexistent",
        env: { TEST_DB_URL: server.url },
      });
      try {
        assert.equal(typeof (await store.countRuns()), "number");
      } finally {
        await store.close();
      }
    });
  });
}

if ("url" in started) registerCases(started);
else if (process.env.SLIPWAY_REQUIRE_POSTGRES === "1") {
  test("a Postgres server starts (SLIPWAY_REQUIRE_POSTGRES=1)", () => assert.fail(started.skip));
} else {
  console.log(`# Postgres store tests skipped: ${started.skip}`);
  test("Postgres store contracts", { skip: started.skip }, () => undefined);
}
