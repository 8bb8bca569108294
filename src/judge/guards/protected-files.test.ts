// Tests for the protected-files guard on real diffs: defaults, permission, nested manifests.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, diffOfChange, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { GuardPolicy } from "./guard.ts";
import { protectedFilesGuard } from "./protected-files.ts";

describe("protected-files guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("reports CI configuration, nested manifests and deleted lockfiles by default", async () => {
    const diff = await diffOfChange(
      repo,
      { "packages/web/package.json": '{"name":"web"}\n', "yarn.lock": "# lock\n", "src/a.ts": "a\n" },
      {
        ".github/workflows/ci.yml": "on: push\n",
        "packages/web/package.json": '{"name":"web","private":true}\n',
        "yarn.lock": null,
        "requirements-dev.txt": "pytest\n",
        "src/a.ts": "b\n",
      },
    );
    const findings = protectedFilesGuard.check(diff, GuardPolicy.parse({}));
    assert.deepEqual(findings.map(({ file }) => file).sort(), [
      ".github/workflows/ci.yml",
      "packages/web/package.json",
      "requirements-dev.txt",
      "yarn.lock",
    ]);
    const lockfile = findings.find(({ file }) => file === "yarn.lock")!;
    assert.equal(lockfile.guard, "protected-files");
    assert.equal(lockfile.line, undefined);
    assert.match(lockfile.message, /yarn\.lock is protected by "\*\*\/yarn\.lock".*\(it was deleted\)/);
  });

  test("lets a task change the protected files it explicitly allows", async () => {
    const diff = await diffOfChange(
      repo,
      { "package.json": "{}\n" },
      { "package.json": '{"type":"module"}\n', "package-lock.json": "{}\n" },
    );
    const findings = protectedFilesGuard.check(diff, GuardPolicy.parse({ allowProtected: ["package.json"] }));
    assert.deepEqual(
      findings.map(({ file }) => file),
      ["package-lock.json"],
    );
  });

  test("reports other CI systems, git settings, package-manager settings, build scripts and hooks", async () => {
    const paths = [
      ".gitlab-ci.yml",
      ".circleci/config.yml",
      "Jenkinsfile",
      "azure-pipelines.yml",
      ".buildkite/pipeline.yml",
      ".travis.yml",
      "bitbucket-pipelines.yml",
      ".drone.yml",
      ".gitattributes",
      "vendor/.gitattributes",
      ".gitmodules",
      ".lfsconfig",
      ".npmrc",
      ".yarnrc",
      ".yarnrc.yml",
      ".pnpmfile.cjs",
      "pip.conf",
      ".pypirc",
      "Makefile",
      "GNUmakefile",
      "tools/rules.mk",
      "crates/core/build.rs",
      ".cargo/config.toml",
      ".cargo/config",
      "gradlew",
      "gradle/wrapper/gradle-wrapper.properties",
      "mvnw",
      ".mvn/wrapper/maven-wrapper.properties",
      "setup.py",
      "setup.cfg",
      "tests/conftest.py",
      "tox.ini",
      "noxfile.py",
      ".pre-commit-config.yaml",
      ".husky/pre-commit",
      ".vscode/tasks.json",
      ".devcontainer/devcontainer.json",
      "Dockerfile",
      "Containerfile",
      "docker-compose.override.yml",
      ".envrc",
      "CODEOWNERS",
      ".slipway.yml",
      ".slipway.yaml",
      "vitest.config.ts",
      "packages/web/jest.config.js",
      ".mocharc.yml",
      "eslint.config.js",
      "biome.json",
      "node_modules/.bin/vitest",
      "node_modules/.slipway-corepack/bin/pnpm",
      "packages/web/node_modules/jest/bin/jest.js",
      ".venv/bin/pytest",
      "services/api/.venv/bin/python",
      "__pypackages__/3.11/lib/pytest.py",
    ];
    const diff = await diffOfChange(
      repo,
      { "src/a.ts": "a\n" },
      Object.fromEntries(paths.map((path) => [path, "x\n"])),
    );
    const found = new Set(protectedFilesGuard.check(diff, GuardPolicy.parse({})).map(({ file }) => file));
    assert.deepEqual(
      paths.filter((path) => !found.has(path)),
      [],
    );
  });

  test("reports workspaces, dependency files and build scripts that swap code or run it (red team R12)", async () => {
    const paths = [
      "go.work",
      "pnpm-workspace.yaml",
      "bunfig.toml",
      "deno.json",
      "Gemfile",
      "Gemfile.lock",
      "composer.json",
      "composer.lock",
      "Pipfile",
      "environment.yml",
      "gradle/libs.versions.toml",
      "buildSrc/src/main/kotlin/conventions.gradle.kts",
      "gradle/publish.gradle",
      "CMakeLists.txt",
      "cmake/warnings.cmake",
      "Directory.Build.props",
      "Directory.Build.targets",
      "nuget.config",
      "NuGet.Config",
      "src/App/App.csproj",
      "MODULE.bazel",
      ".bazelrc",
      "Rakefile",
      "tsconfig.json",
      "packages/web/tsconfig.build.json",
      "babel.config.js",
      ".flake8",
      ".pylintrc",
      "Package.swift",
      "mix.exs",
      "build.sbt",
      "project/plugins.sbt",
    ];
    const diff = await diffOfChange(
      repo,
      { "src/a.ts": "a\n" },
      Object.fromEntries(paths.map((path) => [path, "x\n"])),
    );
    const found = new Set(protectedFilesGuard.check(diff, GuardPolicy.parse({})).map(({ file }) => file));
    assert.deepEqual(
      paths.filter((path) => !found.has(path)),
      [],
    );
  });

  test("finds nothing in a change to ordinary source files", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/a.ts": "a\n" },
      { "src/a.ts": "b\n", "src/package.ts": "c\n" },
    );
    assert.deepEqual(protectedFilesGuard.check(diff, GuardPolicy.parse({})), []);
  });
});
