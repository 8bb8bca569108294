// `slipway doctor`'s model and forge checks end to end: the key variable, one bounded request to
// the provider (the scripted model server stands in; no test reaches a real provider), the forge
// token and what it may do (the GitHub and GitLab test doubles), and the closing "next:" lines.
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { DoctorFinding } from "../src/cli/doctor-request.ts";
import { type GithubDouble, startGithubDouble } from "../src/forge/github/test-double/github-double.ts";
import { type GitlabDouble, startGitlabDouble } from "../src/forge/gitlab/test-double/gitlab-double.ts";
import {
  type ScriptedModelServer,
  startScriptedModelServer,
} from "../src/models/scripted-server/scripted-model-server.ts";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { tempDir } from "./helpers/git-fixture.ts";

interface DoctorJson {
  findings: DoctorFinding[];
  next: string[];
}

const directories: string[] = [];
let models: ScriptedModelServer;
let github: GithubDouble;
let gitlab: GitlabDouble;
/** A provider that refuses every key, as a real one does a wrong key. */
const refusedKeys: string[] = [];
const refusing = createServer((request, response) => {
  refusedKeys.push(String(request.headers["x-api-key"]));
  response.writeHead(401).end('{"error":"invalid x-api-key"}');
});
let refusingUrl = "";
/** A port nothing listens on (a server opened and closed). */
let closedUrl = "";

before(async () => {
  models = await startScriptedModelServer({ script: { turns: [] } });
  const root = tempDir("doctor-forge");
  directories.push(root);
  github = await startGithubDouble({ owner: "acme", repo: "api", token: "gh-good", projectRoot: root });
  gitlab = await startGitlabDouble({ project: "acme/api", token: "gl-good", projectRoot: root });
  await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
  refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/v1`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/v1`;
  await new Promise((resolve) => closed.close(resolve));
});
after(async () => {
  await models.close();
  await github.close();
  await gitlab.close();
  refusing.close();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** `slipway doctor --json` with this configuration and environment. */
async function doctor(config: Record<string, unknown>, env: Record<string, string>): Promise<DoctorJson> {
  const directory = tempDir("doctor-config");
  directories.push(directory);
  const file = path.join(directory, "slipway.yaml");
  writeFileSync(file, JSON.stringify(config));
  const result = await runCli(["--data-dir", directory, "--config", file, "doctor", "--json"], {
    env: cliEnv({ GITHUB_TOKEN: "", GITLAB_TOKEN: "", ...env }),
    cwd: directory,
  });
  assert.ok(result.code === 0 || result.code === 1, `doctor crashed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as DoctorJson;
}

function details(report: DoctorJson, name: "model" | "forge"): string[] {
  return report.findings
    .filter((finding) => finding.name === name)
    .map((finding) => `${finding.state}: ${finding.detail}`);
}

describe("slipway doctor: model", () => {
  test("a set key and a provider that answers are ok", async () => {
    const report = await doctor(
      { model: "anthropic:test-model" },
      { ANTHROPIC_BASE_URL: models.anthropicBaseUrl, ANTHROPIC_API_KEY: "doctor-key" },
    );
    assert.deepEqual(details(report, "model"), [
      "ok: anthropic:test-model: ANTHROPIC_API_KEY is set",
      `ok: ${models.anthropicBaseUrl} answers (HTTP 404 on /models)`,
    ]);
  });

  test("a missing key and an unreachable provider are warnings with the fix, not a crash", async () => {
    const report = await doctor({ model: "openai:gpt-5" }, { OPENAI_BASE_URL: closedUrl });
    const model = report.findings.filter((finding) => finding.name === "model");
    assert.deepEqual(
      model.map((finding) => finding.state),
      ["warning", "warning"],
    );
    assert.match(model[0]!.detail, /OPENAI_API_KEY is not set/);
    assert.match(model[1]!.detail, new RegExp(`${closedUrl} cannot be reached`));
    assert.ok(report.next.includes("export OPENAI_API_KEY=<your key> before a run"), report.next.join("\n"));
    assert.ok(report.next.some((step) => /check the network/.test(step)));
  });

  test("a key the provider refuses is a warning naming the variable", async () => {
    const report = await doctor(
      { model: "anthropic:m" },
      { ANTHROPIC_BASE_URL: refusingUrl, ANTHROPIC_API_KEY: "wrong" },
    );
    const last = report.findings.filter((finding) => finding.name === "model").at(-1)!;
    assert.equal(last.state, "warning");
    assert.match(last.detail, /refused the key \(HTTP 401\)/);
    assert.equal(last.fix, "check the key in ANTHROPIC_API_KEY");
    assert.deepEqual(refusedKeys, ["wrong"], "one request, carrying the key");
  });
});

describe("slipway doctor: forge", () => {
  const githubConfig = () => ({
    forge: { type: "github", github: { apiUrl: github.apiUrl, owner: "acme", repo: "api" } },
  });

  test("github: whom the token acts as and that it may push, sent as the token", async () => {
    github.state.permissions.set("slipway-bot", "write");
    const report = await doctor(githubConfig(), { GITHUB_TOKEN: "gh-good" });
    assert.deepEqual(details(report, "forge"), [
      "ok: the token in GITHUB_TOKEN acts as slipway-bot",
      "ok: slipway-bot may push to acme/api and open pull requests (write)",
    ]);
    assert.ok(
      github.requests.some(
        (request) => request.path === "/user" && request.authorization === "Bearer gh-good",
      ),
    );
    assert.deepEqual(github.violations, []);
  });

  test("github: read access, a refused token and an unset variable are warnings with the fix", async () => {
    github.state.permissions.set("slipway-bot", "read");
    const readOnly = await doctor(githubConfig(), { GITHUB_TOKEN: "gh-good" });
    assert.match(
      details(readOnly, "forge").at(-1)!,
      /^warning: slipway-bot has read on acme\/api: Slipway cannot push there/,
    );
    assert.ok(readOnly.next.includes("give slipway-bot write access to acme/api"));
    const refused = await doctor(githubConfig(), { GITHUB_TOKEN: "gh-wrong" });
    assert.deepEqual(details(refused, "forge"), [
      "warning: GitHub refused the token in GITHUB_TOKEN (HTTP 401)",
    ]);
    const unset = await doctor(githubConfig(), {});
    assert.deepEqual(details(unset, "forge"), ["warning: github: GITHUB_TOKEN is not set"]);
    github.state.permissions.set("slipway-bot", "write");
  });

  test("gitlab: the user's access level on the project decides", async () => {
    const config = { forge: { type: "gitlab", gitlab: { apiUrl: gitlab.host, project: "acme/api" } } };
    const developer = await doctor(config, { GITLAB_TOKEN: "gl-good" });
    assert.deepEqual(details(developer, "forge"), [
      "ok: the token in GITLAB_TOKEN acts as slipway-bot",
      "ok: slipway-bot may push to acme/api and open merge requests (access level 30)",
    ]);
    gitlab.state.members.set(2, 20);
    const reporter = await doctor(config, { GITLAB_TOKEN: "gl-good" });
    assert.match(
      details(reporter, "forge").at(-1)!,
      /^warning: slipway-bot has access level 20 on acme\/api: below Developer/,
    );
    gitlab.state.members.set(2, 30);
    const refused = await doctor(config, { GITLAB_TOKEN: "gl-wrong" });
    assert.deepEqual(details(refused, "forge"), [
      "warning: GitLab refused the token in GITLAB_TOKEN (HTTP 401)",
    ]);
  });

  test("text output ends with next: lines", async () => {
    const directory = tempDir("doctor-text");
    directories.push(directory);
    const file = path.join(directory, "slipway.yaml");
    writeFileSync(file, JSON.stringify({ forge: { type: "github", github: { apiUrl: github.apiUrl } } }));
    const result = await runCli(["--data-dir", directory, "--config", file, "doctor"], {
      env: cliEnv({ GITHUB_TOKEN: "" }),
      cwd: directory,
    });
    const lines = result.stdout.trimEnd().split("\n");
    assert.match(lines.at(-1)!, /^next: /);
    assert.ok(lines.includes("next: run `slipway init`, or set `model:` in slipway.yaml"), result.stdout);
    assert.ok(
      lines.some((line) => line.startsWith("next: export GITHUB_TOKEN=")),
      result.stdout,
    );
  });
});
