import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRepositoryUrl } from "./repository-url.ts";

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
