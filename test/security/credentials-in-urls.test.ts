// Security class "credentials in a repository URL are echoed in errors": a repository given as
// https://user:token@host/... must not show its token in the message or the details of an error
// that names it. Every SlipwayError redacts its message and details; real forge factories (the
// registry's), a real SQLite store and a real failing `git clone`, no mocks.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ForgeConfig } from "../../src/config/config-schema.ts";
import { SlipwayError } from "../../src/core/errors.ts";
import { openForge } from "../../src/forge/registry.ts";
import { redactUrlsIn } from "../../src/forge/repository-url.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { Store } from "../../src/store/store.ts";
import { ensureMirror } from "../../src/workspace/mirror-cache.ts";
import { tempDir } from "../helpers/git-fixture.ts";

const secret = "ghp_Secr3tTok3nInTheUrl0123456789";
const root = tempDir("credential-urls");
after(() => rmSync(root, { recursive: true, force: true }));

/** The forge factory's error for `source`, as text a user or a log would see. */
async function failureText(store: Store, type: string, source: string): Promise<string> {
  const settings = ForgeConfig.parse({ type });
  try {
    await openForge({ settings, source, store, env: { GITHUB_TOKEN: "t0ken", GITLAB_TOKEN: "t0ken" } });
  } catch (error) {
    assert.ok(SlipwayError.isInstance(error), String(error));
    return `${error.message}\n${JSON.stringify(error.details)}`;
  }
  assert.fail(`the ${type} forge accepted ${source}`);
}

describe("credentials in a repository URL", () => {
  test("no forge factory echoes the token of the repository URL it cannot use", async () => {
    const store = await openSqliteStore(path.join(root, "store.db"));
    const cases: [type: string, source: string][] = [
      ["local", `https://x-access-token:${secret}@github.example.com/acme/api.git`],
      ["github", `https://x-access-token:${secret}@github.example.com/api.git`],
      ["gitlab", `https://${secret}@gitlab.example.com`],
      ["github", `https://github.example.com/api.git?access_token=${secret}`],
    ];
    for (const [type, source] of cases) {
      const text = await failureText(store, type, source);
      // Positive control: the error is about this repository, so the URL is there — redacted.
      assert.match(text, /example\.com/, `${type}: ${text}`);
      assert.ok(!text.includes(secret), `${type} echoed the token: ${text}`);
    }
  });

  test("mirroring a credentialed URL that fails says which repository, without its token", async () => {
    // Port 1 on loopback: refused at once, so git fails fast and for real.
    const source = `https://bob:${secret}@127.0.0.1:1/acme/api.git?private_token=${secret}`;
    const failure = await ensureMirror(source, path.join(root, "data"), AbortSignal.timeout(30_000)).then(
      () => assert.fail("mirroring an unreachable repository succeeded"),
      (error: unknown) => error,
    );
    assert.ok(SlipwayError.isInstance(failure), String(failure));
    const text = `${failure.message}\n${JSON.stringify(failure.details)}`;
    assert.match(text, /cannot mirror https:\/\/\*\*\*@127\.0\.0\.1:1\/acme\/api\.git/, text);
    assert.ok(!text.includes(secret), `the mirror error echoed the token: ${text}`);
  });

  test("git's own messages about the URL come out redacted", () => {
    const stderr = `fatal: unable to access 'https://oauth2:${secret}@gitlab.example.com/g/p.git/': The requested URL returned error: 403`;
    const clean = redactUrlsIn(stderr);
    assert.ok(!clean.includes(secret), clean);
    assert.match(clean, /'https:\/\/\*\*\*@gitlab\.example\.com\/g\/p\.git\/'/);
  });
});
