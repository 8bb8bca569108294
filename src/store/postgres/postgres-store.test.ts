// The Store and RunQueue contracts against a real Postgres server this file starts (one per file),
// each case on an emptied schema. Without a server the file skips with the reason printed, unless
// SLIPWAY_REQUIRE_POSTGRES=1 (CI sets it), which makes that a failure.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import postgres, { type Sql } from "postgres";
import { SlipwayConfig } from "../../config/config-schema.ts";
import { openConfiguredStore } from "../open-store.ts";
import { describeQueueContract } from "../run-queue.contract.ts";
import { describeStoreContract } from "../store.contract.ts";
import { openPostgresStore } from "./postgres-store.ts";
import { startTestPostgres, type TestPostgres } from "./test-postgres.ts";

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
  await admin`TRUNCATE tasks, runs, run_events, pull_requests, pull_request_comments, branch_pushes, follow_ups, run_queue RESTART IDENTITY CASCADE`;
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
