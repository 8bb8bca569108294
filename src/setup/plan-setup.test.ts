import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { planSetup } from "./plan-setup.ts";
import { parseRepoSetupConfig } from "./repo-setup-config.ts";

const roots: string[] = [];
after(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "slipway-setup-"));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

const withDeps = JSON.stringify({ name: "p", devDependencies: { "is-number": "7.0.0" } });
const names = async (root: string) =>
  (await planSetup(root, undefined, { secretEnv: [] })).commands.map((c) => c.name);

test("npm's lockfile gives npm ci and only the npm registry", async () => {
  const plan = await planSetup(
    await project({ "package.json": withDeps, "package-lock.json": "{}" }),
    undefined,
    { secretEnv: [] },
  );
  assert.deepEqual(
    plan.commands.map((command) => command.name),
    ["npm ci --no-audit --no-fund"],
  );
  assert.deepEqual(plan.allowHosts, ["registry.npmjs.org"]);
  assert.deepEqual(plan.producedDirectories, ["node_modules"]);
  assert.ok(
    plan.notes.some((note) => note.includes("package-lock.json")),
    plan.notes.join("\n"),
  );
});

test("pnpm, yarn 1, yarn 2+ and bun each get their frozen-lockfile install", async () => {
  assert.deepEqual(await names(await project({ "package.json": withDeps, "pnpm-lock.yaml": "" })), [
    "pnpm install --frozen-lockfile",
  ]);
  assert.deepEqual(await names(await project({ "package.json": withDeps, "yarn.lock": "" })), [
    "yarn install --frozen-lockfile",
  ]);
  const berry = await project({ "package.json": withDeps, "yarn.lock": "", ".yarnrc.yml": "" });
  assert.deepEqual(await names(berry), ["yarn install --immutable"]);
  assert.deepEqual(await names(await project({ "package.json": withDeps, "bun.lock": "" })), [
    "bun install --frozen-lockfile",
  ]);
});

test("a package.json without dependencies installs nothing and needs no host", async () => {
  const plan = await planSetup(
    await project({ "package.json": '{"name":"p","scripts":{"test":"node --test"}}' }),
    undefined,
    { secretEnv: [] },
  );
  assert.deepEqual(plan.commands, []);
  assert.deepEqual(plan.allowHosts, []);
});

test("a lockfile planted as a link is not trusted, and a package.json FIFO is not read (no hang)", async () => {
  const root = await project({ "package.json": withDeps, "elsewhere.json": "{}" });
  await symlink(path.join(root, "elsewhere.json"), path.join(root, "package-lock.json"));
  assert.deepEqual(await names(root), ["npm install"]);
  const fifo = await project({});
  execFileSync("mkfifo", [path.join(fifo, "package.json")]);
  assert.deepEqual(await names(fifo), []);
});

test("Python: uv, poetry, requirements files, and pyproject with its test extras", async () => {
  assert.deepEqual(await names(await project({ "pyproject.toml": "", "uv.lock": "" })), ["uv sync --frozen"]);
  assert.deepEqual(await names(await project({ "pyproject.toml": "", "poetry.lock": "" })), [
    "poetry install --no-interaction",
  ]);
  const requirements = await project({ "requirements.txt": "", "requirements-dev.txt": "" });
  assert.deepEqual(await names(requirements), [
    "python3 -m venv .venv",
    ".venv/bin/pip install -r requirements.txt -r requirements-dev.txt",
  ]);
  const pyproject =
    "[project]\nname='p'\n\n[project.optional-dependencies]\ndocs = ['x']\ntest = ['pytest']\n\n[tool.x]\ndev = 1\n";
  assert.deepEqual(await names(await project({ "pyproject.toml": pyproject })), [
    "python3 -m venv .venv",
    ".venv/bin/pip install -e .[test]",
  ]);
});

test("cargo, go, Maven (its wrapper first) and the Gradle wrapper, each with its registries", async () => {
  const rust = await planSetup(await project({ "Cargo.toml": "", "Cargo.lock": "" }), undefined, {
    secretEnv: [],
  });
  assert.deepEqual(
    rust.commands.map((c) => c.name),
    ["cargo fetch --locked"],
  );
  assert.ok(rust.allowHosts.includes("index.crates.io"));
  const go = await planSetup(await project({ "go.mod": "module x\n" }), undefined, { secretEnv: [] });
  assert.deepEqual(
    [go.commands[0]!.name, go.allowHosts],
    ["go mod download", ["proxy.golang.org", "sum.golang.org"]],
  );
  assert.deepEqual(await names(await project({ "pom.xml": "", mvnw: "" })), [
    "./mvnw --batch-mode dependency:go-offline",
  ]);
  assert.deepEqual(await names(await project({ "pom.xml": "" })), ["mvn --batch-mode dependency:go-offline"]);
  assert.deepEqual(await names(await project({ "build.gradle": "", gradlew: "" })), [
    "./gradlew --no-daemon --quiet dependencies",
  ]);
});

test("declared commands replace the detected ones; hosts add up; platform hosts replace the defaults", async () => {
  const root = await project({ "package.json": withDeps, "package-lock.json": "{}" });
  const repo = parseRepoSetupConfig(
    ".slipway.yml",
    "setup:\n  commands: ['npm ci', {run: make deps, cwd: sub}]\n  allowHosts: [npm.example.com]\n  env: [NPM_TOKEN, OTHER]\n",
  );
  const plan = await planSetup(root, repo, { secretEnv: ["NPM_TOKEN"] });
  assert.equal(plan.source, "declared");
  assert.deepEqual(
    plan.commands.map((c) => [c.command, c.args, c.cwd]),
    [
      ["npm", ["ci"], "."],
      ["make", ["deps"], "sub"],
    ],
  );
  // Secrets are handed over, so the host only the repository names is not reached.
  assert.deepEqual(plan.allowHosts, ["registry.npmjs.org"]);
  assert.deepEqual(plan.secretNames, ["NPM_TOKEN"]);
  assert.ok(plan.notes.some((note) => note.includes("OTHER") && note.includes("not handed over")));
  assert.ok(plan.notes.some((note) => note.includes("npm.example.com, not reached while setup.secretEnv")));
  const noSecrets = await planSetup(root, repo, { secretEnv: [] });
  assert.deepEqual(noSecrets.allowHosts, ["registry.npmjs.org", "npm.example.com"]);
  const replaced = await planSetup(root, undefined, { secretEnv: [], allowHosts: ["mirror.example.com"] });
  assert.deepEqual(replaced.allowHosts, ["mirror.example.com"]);
});

test("a repository cannot send the platform's setup secrets to a host of its choosing", async () => {
  const root = await project({ "package.json": withDeps, "package-lock.json": "{}" });
  const repo = parseRepoSetupConfig(
    ".slipway.yml",
    "setup:\n  commands: ['node exfil.js']\n  allowHosts: [collector.attacker.example]\n",
  );
  const withSecret = await planSetup(root, repo, { secretEnv: ["NPM_TOKEN"] });
  assert.deepEqual(withSecret.secretNames, ["NPM_TOKEN"]);
  assert.equal(withSecret.allowHosts.includes("collector.attacker.example"), false);
  // The platform approves the host: then it is reached, secrets and all.
  const approved = await planSetup(root, repo, {
    secretEnv: ["NPM_TOKEN"],
    allowHosts: ["registry.npmjs.org", "collector.attacker.example"],
  });
  assert.deepEqual(approved.allowHosts, ["registry.npmjs.org", "collector.attacker.example"]);
});

test("a bad setup section is refused in one line naming the file and the key", () => {
  assert.throws(
    () => parseRepoSetupConfig(".slipway.yml", "setup:\n  allowHosts: ['http://x']\n"),
    /^ConfigError: \.slipway\.yml: setup\.allowHosts\.0: expected a host name/,
  );
  assert.throws(
    () => parseRepoSetupConfig(".slipway.yml", "setup:\n  comands: []\n"),
    /\.slipway\.yml: setup: .*comands/,
  );
  assert.throws(
    () => parseRepoSetupConfig(".slipway.yml", "setup:\n  env: ['NPM-TOKEN']\n"),
    /setup\.env\.0: expected a variable name/,
  );
  assert.equal(parseRepoSetupConfig(".slipway.yml", "verify: {}\n"), undefined);
});

const planOf = (root: string) => planSetup(root, undefined, { secretEnv: [] });
const placed = async (root: string) =>
  (await planOf(root)).commands.map((command) => `${command.cwd}: ${command.name}`);

test("each package with its own lockfile or module is set up in its folder; fixtures and node_modules are not", async () => {
  const root = await project({
    "services/api/requirements.txt": "flask\n",
    "web/package.json": withDeps,
    "web/package-lock.json": "{}",
    "tools/go.mod": "module tools\n",
    "web/node_modules/x/package.json": withDeps,
    "web/node_modules/x/package-lock.json": "{}",
    "tests/fixtures/app/package.json": withDeps,
    "tests/fixtures/app/package-lock.json": "{}",
    ".hidden/package.json": withDeps,
    // Tooling beside the project (as in hukkin/tomli): not installed.
    "benchmark/requirements.txt": "pyperf\n",
    "fuzzer/requirements.txt": "atheris\n",
    "docs/package.json": withDeps,
    "docs/package-lock.json": "{}",
  });
  const plan = await planOf(root);
  assert.deepEqual(
    plan.commands.map((command) => `${command.cwd}: ${command.name}`),
    [
      "web: npm ci --no-audit --no-fund",
      "services/api: python3 -m venv .venv",
      "services/api: .venv/bin/pip install -r requirements.txt",
      "tools: go mod download",
    ],
  );
  assert.deepEqual(plan.ecosystems, ["node", "python", "go"]);
  assert.deepEqual(plan.producedDirectories, ["web/node_modules", "services/api/.venv"]);
  assert.ok(
    plan.notes.some((note) => note.includes("services/api/requirements.txt")),
    plan.notes.join("\n"),
  );
});

test("workspace members, Maven modules and Cargo workspace members are covered by the root's one install", async () => {
  const root = await project({
    "package.json": JSON.stringify({ name: "w", workspaces: ["packages/*"] }),
    "pnpm-lock.yaml": "",
    "packages/a/package.json": withDeps,
    "packages/b/package.json": withDeps,
    "pom.xml": "",
    "core/pom.xml": "",
    "Cargo.toml": "[workspace]\nmembers = ['crates/x']\n",
    "Cargo.lock": "",
    "crates/x/Cargo.toml": "",
  });
  const plan = await planOf(root);
  assert.deepEqual(
    plan.commands.map((command) => `${command.cwd}: ${command.name}`),
    [
      ".: pnpm install --frozen-lockfile",
      ".: cargo fetch --locked",
      ".: mvn --batch-mode dependency:go-offline",
    ],
  );
  assert.ok(
    plan.notes.some((note) =>
      note.startsWith("node: packages/a, packages/b installed by the install of the folder above"),
    ),
    plan.notes.join("\n"),
  );
});

test("a separate crate with its own Cargo.lock gets its own fetch; a go.work makes one Go workspace", async () => {
  assert.deepEqual(
    await placed(
      await project({ "Cargo.toml": "", "Cargo.lock": "", "cli/Cargo.toml": "", "cli/Cargo.lock": "" }),
    ),
    [".: cargo fetch --locked", "cli: cargo fetch --locked"],
  );
  assert.deepEqual(await placed(await project({ "go.mod": "", "tools/go.mod": "" })), [
    ".: go mod download",
    "tools: go mod download",
  ]);
  assert.deepEqual(await placed(await project({ "go.work": "", "go.mod": "", "tools/go.mod": "" })), [
    ".: go mod download",
  ]);
});

test("the package search is bounded: nothing deeper than three folders, a folder link is not entered", async () => {
  const root = await project({
    "a/b/c/package.json": withDeps,
    "a/b/c/package-lock.json": "{}",
    "a/b/c/d/package.json": withDeps,
    "a/b/c/d/package-lock.json": "{}",
    "outside/package.json": withDeps,
    "outside/package-lock.json": "{}",
  });
  const elsewhere = await project({ "package.json": withDeps, "package-lock.json": "{}" });
  await symlink(elsewhere, path.join(root, "linked"));
  // Shallower folders first: the walk goes level by level.
  assert.deepEqual(await placed(root), [
    "outside: npm ci --no-audit --no-fund",
    "a/b/c: npm ci --no-audit --no-fund",
  ]);
});

test("more packages than the limit: the first are set up and a note names the rest", async () => {
  const files: Record<string, string> = {};
  for (let index = 0; index < 23; index++) {
    files[`svc${String(index).padStart(2, "0")}/go.mod`] = "module x\n";
  }
  const plan = await planOf(await project(files));
  assert.equal(plan.commands.length, 20);
  assert.equal(plan.notes.filter((note) => note.includes("more than 20 packages")).length, 3);
});

test("a pinned pnpm is provided by corepack into node_modules before the install, which runs it", async () => {
  const pin = "pnpm@9.1.0+sha512.abc123";
  const root = await project({
    "package.json": JSON.stringify({ name: "p", packageManager: pin, devDependencies: { a: "1" } }),
    "pnpm-lock.yaml": "",
  });
  const plan = await planOf(root);
  assert.deepEqual(
    plan.commands.map((command) => [command.name, command.command, command.env?.COREPACK_HOME]),
    [
      ["corepack install (pnpm@9.1.0)", "corepack", "node_modules/.slipway-corepack/home"],
      ["write node_modules/.slipway-corepack/bin/pnpm", "node", undefined],
      ["pnpm install --frozen-lockfile", "node_modules/.slipway-corepack/bin/pnpm", undefined],
    ],
  );
  // The pinned hash is what corepack checks; a registry mirror's missing signatures do not matter.
  assert.equal(plan.commands[0]!.env?.COREPACK_INTEGRITY_KEYS, "0");
  assert.ok(plan.notes.some((note) => note.includes("packageManager pins pnpm@9.1.0")));
  const unhashed = await project({
    "package.json": JSON.stringify({ name: "p", packageManager: "yarn@1.22.19" }),
  });
  const yarn = await planOf(unhashed);
  assert.deepEqual(
    yarn.commands.map((command) => command.name),
    ["corepack install (yarn@1.22.19)", "write node_modules/.slipway-corepack/bin/yarn"],
  );
  assert.equal(yarn.commands[0]!.env?.COREPACK_INTEGRITY_KEYS, undefined);
});

test("npm, bun and malformed pins are not provided, each with one line saying why", async () => {
  for (const [pin, why] of [
    ["npm@10.2.0", "the npm on PATH is used"],
    ["bun@1.1.0", "corepack cannot provide bun"],
    ["pnpm@latest", "is not name@exact-version"],
  ] as const) {
    const root = await project({ "package.json": JSON.stringify({ name: "p", packageManager: pin }) });
    const plan = await planOf(root);
    assert.deepEqual(plan.commands, [], pin);
    assert.ok(
      plan.notes.some((note) => note.includes(why)),
      plan.notes.join("\n"),
    );
  }
});
