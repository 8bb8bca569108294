// The Store and RunQueue contracts against a real Postgres server this file starts (skipped, with
// the reason printed, when no server can be started), each case in a fresh schema.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import postgres, { type Sql } from "postgres";
import { SlipwayConfig } from "../../config/config-schema.ts";
import { openConfiguredStore } from "../open-store.ts";
import { describeQueueContract } from "../run-queue.contract.ts";
import { describeStoreContract } from "../store.contract.ts";
import { openPostgresStore } from "./postgres-store.ts";
import { startTestPostgres, type TestPostgres } from "./test-postgres.ts";

let server: TestPostgres | undefined;
let skipReason: string | undefined;

before(async () => {
  const started = await startTestPostgres();
  if ("skip" in started) {
    skipReason = started.skip;
    console.log(`# Postgres store tests skipped: ${skipReason}`);
  } else server = started;
});
after(async () => {
  await admin?.end({ timeout: 5 });
  await server?.stop();
});

function requireServer(context: { skip: (reason: string) => void }): TestPostgres | undefined {
  if (!server) context.skip(`no Postgres server: ${skipReason ?? "not started"}`);
  return server;
}

const schema = `contract_${process.pid}`;
let admin: Sql | undefined;

/** A store on an emptied schema: truncating is far quicker than migrating a new schema per case. */
async function freshStore() {
  if (!server) throw new Error(`no Postgres server: ${skipReason ?? "not started"}`);
  const url = server.url;
  const store = await openPostgresStore(url, { schema });
  admin ??= postgres(url, { max: 1, onnotice: () => undefined, connection: { search_path: schema } });
  await admin`TRUNCATE tasks, runs, run_events, pull_requests, pull_request_comments, branch_pushes, follow_ups, run_queue RESTART IDENTITY CASCADE`;
  return { store, url };
}

describeStoreContract("postgres", async () => {
  const { store } = await freshStore();
  return { store, cleanup: async () => undefined };
});

describeQueueContract("postgres", async () => {
  const { store, url } = await freshStore();
  return { store, another: () => openPostgresStore(url, { schema }), cleanup: async () => undefined };
});

describe("postgres store", () => {
  test("a server that refuses connections is one clear StoreError naming it without the password", async (context) => {
    if (!requireServer(context)) return;
    const unreachable = "postgres://slipway:hunter2secret@127.0.0.1:1/postgres";
    await assert.rejects(openPostgresStore(unreachable), (error: Error) => {
      if (!/cannot reach the Postgres store at postgres:\/\/127\.0\.0\.1:1\/postgres/.test(error.message))
        throw new Error(`unexpected message: ${error.message}`);
      if (error.message.includes("hunter2secret")) throw new Error("the password leaked into the message");
      return true;
    });
  });

  test("store.backend postgres opens the database whose URL the variable store.urlEnv names", async (context) => {
    const running = requireServer(context);
    if (!running) return;
    const config = SlipwayConfig.parse({ store: { backend: "postgres", urlEnv: "TEST_DB_URL" } });
    const store = await openConfiguredStore({
      config,
      dataDir: "/nonexistent",
      env: { TEST_DB_URL: running.url },
    });
    try {
      assert.equal(typeof (await store.countRuns()), "number");
    } finally {
      await store.close();
    }
  });
});
