// `slipway verify` on a repository with a CI workflow: the CI's check runs, and the steps it left
// out (installs, uploads, secrets) are printed with the reason.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, describe, test } from "node:test";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { makeRepo, tempDir } from "./helpers/git-fixture.ts";

const directories: string[] = [];
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const workflow = `on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm run test:unit
      - run: curl -s https://codecov.io/upload
      - run: npm publish
        env: { NODE_AUTH_TOKEN: "\${{ secrets.NPM_TOKEN }}" }
`;

describe("slipway verify with a CI workflow", () => {
  test("runs the CI's test script instead of the detected one and prints what it left out", async () => {
    const repo = makeRepo({
      "package.json": JSON.stringify({
        name: "fixture",
        // The detected `test` script fails; the CI runs test:unit, which passes.
        scripts: { test: 'node -e "process.exit(1)"', "test:unit": "node --test" },
      }),
      "test/ok.test.mjs": 'import { test } from "node:test";\ntest("ok", () => {});\n',
      ".github/workflows/ci.yml": workflow,
    });
    const data = tempDir("verify-data");
    directories.push(repo, data);
    const result = await runCli(["--data-dir", data, "verify", "--repo", repo], {
      env: cliEnv({}),
      timeoutMs: 120_000,
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /detected 1 check:\n\s+test:unit\s+npm run test:unit\n/);
    assert.match(result.stdout, /`curl -s https:\/\/codecov\.io\/upload` is not run: curl needs the network/);
    assert.match(result.stdout, /step 5 needs secrets the gate does not have \(NODE_AUTH_TOKEN\)/);
    assert.match(result.stdout, /install steps are left to the setup stage: npm ci/);
    assert.match(result.stdout, /the CI runs test checks, so the detected test is not run/);
  });
});
