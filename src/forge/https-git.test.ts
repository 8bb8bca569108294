// Pushing over HTTPS with the token in git's environment only, against real git smart HTTP
// (git http-backend behind a node server on 127.0.0.1), and the lease that protects others' work.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type ForgeTestRepositories, makeForgeTestRepositories } from "./forge-test-repositories.ts";
import { rejectionOf } from "./forge-test-support.ts";
import { type GitService, isGitHttpPath, serveGitHttp } from "./git-http-server.ts";
import {
  authEnvironment,
  classifyGitFailure,
  type HttpsGitRemote,
  pushArguments,
  pushOverHttps,
  remoteHeadOverHttps,
} from "./https-git.ts";

const token = "ghs_secretTokenValue0123456789";
const readOnlyToken = "ghs_readOnlyToken0123456789";
const basic = (secret: string) => `Basic ${Buffer.from(`x-access-token:${secret}`).toString("base64")}`;

let repos: ForgeTestRepositories;
let server: Server;
let baseUrl: string;
const seenAuthorization: (string | undefined)[] = [];

function authorize(header: string | undefined, service: GitService): 200 | 401 | 403 {
  seenAuthorization.push(header);
  if (header === basic(token)) return 200;
  if (header === basic(readOnlyToken)) return service === "read" ? 200 : 403;
  return 401;
}

function remoteWith(secret: string): HttpsGitRemote {
  return {
    forgeName: "GitHub",
    url: `${baseUrl}/acme/api.git`,
    username: "x-access-token",
    token: secret,
    tokenVariable: "GITHUB_TOKEN",
    pushRightsHint: "contents: write",
  };
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .map((entry) => path.join(directory, entry))
    .filter((file) => statSync(file).isFile());
}

describe("push over HTTPS", () => {
  before(async () => {
    repos = makeForgeTestRepositories("acme", "api");
    server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://double.invalid");
      if (isGitHttpPath(url.pathname)) {
        void serveGitHttp(request, response, { projectRoot: repos.projectRoot, authorize });
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    repos.remove();
  });

  test("keeps the token out of argv and hands it to git as an extra header in the environment", () => {
    const remote = remoteWith(token);
    const args = pushArguments(remote.url, {
      branch: "slipway/a",
      commit: "a".repeat(40),
      expectedRemoteSha: null,
    });
    assert.ok(!args.join(" ").includes(token));
    assert.deepEqual(args.slice(-2), [remote.url, `${"a".repeat(40)}:refs/heads/slipway/a`]);
    assert.ok(args.includes("--force-with-lease=refs/heads/slipway/a:"));
    const env = authEnvironment(remote);
    assert.equal(env.GIT_CONFIG_VALUE_0, "", "inherited extra headers are reset first");
    assert.equal(env.GIT_CONFIG_VALUE_1, `Authorization: ${basic(token)}`);
  });

  test("creates a new branch, sends the token as a header and writes it nowhere on disk", async () => {
    const sha = repos.commitInMirror("slipway/new", "a.txt", "one\n");
    seenAuthorization.length = 0;
    const signal = AbortSignal.timeout(30_000);
    await pushOverHttps(remoteWith(token), {
      mirrorPath: repos.mirrorPath,
      branch: "slipway/new",
      commit: sha,
      expectedRemoteSha: null,
      signal,
    });
    assert.equal(repos.hostedHead("slipway/new"), sha);
    assert.ok(seenAuthorization.includes(basic(token)));
    for (const file of filesUnder(repos.mirrorPath)) {
      assert.ok(!readFileSync(file).includes(token), `${file} holds the token`);
    }
    assert.equal(await remoteHeadOverHttps(remoteWith(token), "slipway/new", signal), sha);
    assert.equal(await remoteHeadOverHttps(remoteWith(token), "slipway/absent", signal), null);
  });

  test("moves the branch when the lease holds (the run's own last push)", async () => {
    const first = repos.commitInMirror("slipway/lease", "b.txt", "one\n");
    const signal = AbortSignal.timeout(30_000);
    const push = { mirrorPath: repos.mirrorPath, branch: "slipway/lease", signal };
    await pushOverHttps(remoteWith(token), { ...push, commit: first, expectedRemoteSha: null });
    // A re-run rewrites the branch from main: not a fast-forward, so only the lease allows it.
    const second = repos.commitInMirror("slipway/lease", "b.txt", "two\n");
    await pushOverHttps(remoteWith(token), { ...push, commit: second, expectedRemoteSha: first });
    assert.equal(repos.hostedHead("slipway/lease"), second);
  });

  test("refuses to overwrite someone else's commit and leaves it in place", async () => {
    const ours = repos.commitInMirror("slipway/theirs", "c.txt", "ours\n");
    const signal = AbortSignal.timeout(30_000);
    const push = { mirrorPath: repos.mirrorPath, branch: "slipway/theirs", signal };
    await pushOverHttps(remoteWith(token), { ...push, commit: ours, expectedRemoteSha: null });
    const theirs = repos.commitInHosted("slipway/theirs", "c.txt", "theirs\n");
    const next = repos.commitInMirror("slipway/theirs", "c.txt", "ours again\n");
    const error = await rejectionOf(
      pushOverHttps(remoteWith(token), { ...push, commit: next, expectedRemoteSha: ours }),
    );
    assert.equal(error.code, "push_rejected");
    assert.match(error.message, /nothing was overwritten/);
    assert.equal(repos.hostedHead("slipway/theirs"), theirs);
  });

  test("refuses to create a branch that already exists when none was expected", async () => {
    const theirs = repos.commitInHosted("slipway/taken", "d.txt", "theirs\n");
    const ours = repos.commitInMirror("slipway/taken", "d.txt", "ours\n");
    const error = await rejectionOf(
      pushOverHttps(remoteWith(token), {
        mirrorPath: repos.mirrorPath,
        branch: "slipway/taken",
        commit: ours,
        expectedRemoteSha: null,
        signal: AbortSignal.timeout(30_000),
      }),
    );
    assert.equal(error.code, "push_rejected");
    assert.equal(repos.hostedHead("slipway/taken"), theirs);
  });

  test("a bad token is forge_unauthorized naming the token's setting; the mirror keeps the work", async () => {
    const sha = repos.commitInMirror("slipway/badtoken", "e.txt", "x\n");
    const error = await rejectionOf(
      pushOverHttps(remoteWith("wrong-token"), {
        mirrorPath: repos.mirrorPath,
        branch: "slipway/badtoken",
        commit: sha,
        expectedRemoteSha: null,
        signal: AbortSignal.timeout(30_000),
      }),
    );
    assert.equal(error.code, "forge_unauthorized");
    assert.match(error.message, /GITHUB_TOKEN/);
    assert.ok(!error.message.includes("wrong-token"));
    assert.equal(repos.hostedHead("slipway/badtoken"), null);
  });

  test("a token without push rights is forge_forbidden", async () => {
    const sha = repos.commitInMirror("slipway/readonly", "f.txt", "x\n");
    const error = await rejectionOf(
      pushOverHttps(remoteWith(readOnlyToken), {
        mirrorPath: repos.mirrorPath,
        branch: "slipway/readonly",
        commit: sha,
        expectedRemoteSha: null,
        signal: AbortSignal.timeout(30_000),
      }),
    );
    assert.equal(error.code, "forge_forbidden");
    assert.match(error.message, /lacks push rights/);
  });

  test("a protected branch's refusal is push_rejected with the forge's reason", () => {
    const stderr = [
      "To https://github.com/acme/api.git",
      " ! [remote rejected] abc -> main (protected branch hook declined)",
      "error: failed to push some refs to 'https://github.com/acme/api.git'",
    ].join("\n");
    const error = classifyGitFailure(remoteWith(token), "main", stderr);
    assert.equal(error.code, "push_rejected");
    assert.match(error.message, /protected branch hook declined/);
  });
});
