import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRepositoryUrl, redactUrl, redactUrlsIn } from "./repository-url.ts";

test("reads host and path from the URLs people clone with", () => {
  assert.deepEqual(parseRepositoryUrl("https://github.com/acme/api.git"), {
    host: "github.com",
    path: "acme/api",
  });
  assert.deepEqual(parseRepositoryUrl("https://github.com/acme/api/"), {
    host: "github.com",
    path: "acme/api",
  });
  assert.deepEqual(parseRepositoryUrl("git@github.com:acme/api.git"), {
    host: "github.com",
    path: "acme/api",
  });
  assert.deepEqual(parseRepositoryUrl("ssh://git@gitlab.example.com/group/sub/project.git"), {
    host: "gitlab.example.com",
    path: "group/sub/project",
  });
});

test("a local path or a URL without owner and name is not a hosted repository", () => {
  assert.equal(parseRepositoryUrl("/srv/repos/api"), undefined);
  assert.equal(parseRepositoryUrl("https://github.com/api"), undefined);
  assert.equal(parseRepositoryUrl("file:///srv/repos/acme/api.git"), undefined);
});

test("redacts the credentials of a repository URL and nothing else", () => {
  assert.equal(
    redactUrl("https://x-access-token:ghp_secret123@github.com/acme/api.git"),
    "https://***@github.com/acme/api.git",
  );
  // A token given as the user name alone is still a token.
  assert.equal(redactUrl("https://glpat-secret456@gitlab.com/g/p.git"), "https://***@gitlab.com/g/p.git");
  assert.equal(
    redactUrl("https://host/acme/api.git?private_token=tok789&ref=main&X-Amz-Signature=abc"),
    "https://host/acme/api.git?private_token=***&ref=main&X-Amz-Signature=***",
  );
  assert.equal(redactUrl("ssh://git:hunter2@host/acme/api.git"), "ssh://git:***@host/acme/api.git");
  assert.equal(redactUrl("https://user:tok@host:99999/a/b"), "https://***@host:99999/a/b");
  for (const untouched of [
    "https://github.com/acme/api.git",
    "ssh://git@host/acme/api.git",
    "git@github.com:acme/api.git",
    "/srv/repos/api",
    "https://host/a%20b/api.git?ref=main",
  ]) {
    assert.equal(redactUrl(untouched), untouched);
  }
});

test("redacts every URL inside a message, git's stderr included", () => {
  const message =
    "cannot mirror https://bob:s3cr3t@git.example.com/acme/api.git: fatal: unable to access 'https://bob:s3cr3t@git.example.com/acme/api.git/': 403";
  const clean = redactUrlsIn(message);
  assert.doesNotMatch(clean, /s3cr3t|bob/);
  assert.equal(
    clean,
    "cannot mirror https://***@git.example.com/acme/api.git: fatal: unable to access 'https://***@git.example.com/acme/api.git/': 403",
  );
});
