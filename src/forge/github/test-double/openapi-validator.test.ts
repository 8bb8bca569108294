// The OpenAPI check of the GitHub double is not vacuous: it refuses a request or a response that
// GitHub's description does not allow, and accepts the double's own fixtures.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { githubFixtures } from "./github-fixtures.ts";
import { createGithubOpenApi, type GithubOpenApi, nullableToJsonSchema } from "./openapi-validator.ts";

let openApi: GithubOpenApi;
const fixtures = githubFixtures("https://api.double.invalid", "https://double.invalid", "acme", "api");
const pull = {
  number: 1,
  title: "t",
  body: null,
  head: "slipway/x",
  base: "main",
  state: "open" as const,
  merged: false,
  draft: true,
  labels: ["slipway"],
  reviewers: [],
  author: "slipway-bot",
  createdAt: "2026-01-05T10:00:00Z",
  updatedAt: "2026-01-05T10:00:00Z",
};
const shas = { head: "a".repeat(40), base: "b".repeat(40) };

function operation(method: string, path: string) {
  return openApi.match(method, path) ?? assert.fail(`no operation for ${method} ${path}`);
}

describe("GitHub OpenAPI check", () => {
  before(() => {
    openApi = createGithubOpenApi([
      ["get", "/repos/{owner}/{repo}/pulls"],
      ["post", "/repos/{owner}/{repo}/pulls"],
    ]);
  });

  test("rewrites OpenAPI 3.0 nullable into JSON Schema", () => {
    assert.deepEqual(nullableToJsonSchema({ type: "string", nullable: true }), { type: ["string", "null"] });
    assert.deepEqual(nullableToJsonSchema({ $ref: "#/x", nullable: true }), {
      anyOf: [{ $ref: "#/x" }, { type: "null" }],
    });
  });

  test("accepts the double's pull request and refuses one missing a required field", () => {
    const create = operation("POST", "/repos/acme/api/pulls");
    assert.deepEqual(openApi.checkResponse(create, 201, fixtures.pullRequest(pull, shas)), []);
    const { head: _head, ...withoutHead } = fixtures.pullRequest(pull, shas);
    assert.match(openApi.checkResponse(create, 201, withoutHead).join("\n"), /head/);
  });

  test("refuses a request body of the wrong type and an undocumented query parameter", () => {
    const create = operation("POST", "/repos/acme/api/pulls");
    assert.notDeepEqual(
      openApi.checkRequest(create, new URLSearchParams(), { head: "x", base: "main", draft: "yes" }),
      [],
    );
    const list = operation("GET", "/repos/acme/api/pulls");
    assert.deepEqual(
      openApi.checkRequest(list, new URLSearchParams({ head: "acme:x", state: "all" }), undefined),
      [],
    );
    assert.match(
      openApi.checkRequest(list, new URLSearchParams({ branch: "x" }), undefined).join(),
      /not documented/,
    );
    assert.match(
      openApi.checkRequest(list, new URLSearchParams({ state: "merged" }), undefined).join(),
      /not one of/,
    );
  });

  test("refuses a status the operation does not document, and checks GitHub's generic errors", () => {
    const create = operation("POST", "/repos/acme/api/pulls");
    assert.match(openApi.checkResponse(create, 418, {}).join(), /does not document status 418/);
    assert.deepEqual(openApi.checkResponse(create, 401, fixtures.basicError("Bad credentials")), []);
  });
});
