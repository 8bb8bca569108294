// The files a change may not touch without permission: whatever runs code or decides what runs
// (CI, build and test configuration, package-manager settings, hooks), and what pins dependencies.
import { lockfileNames } from "./file-kinds.ts";

/** CI systems' configuration: a change here runs code with the CI's secrets. */
const ciConfiguration = [
  ".github/**",
  "**/.gitlab-ci.yml",
  "**/*.gitlab-ci.yml",
  ".gitlab/**",
  ".circleci/**",
  "**/Jenkinsfile",
  "**/Jenkinsfile.*",
  "**/*.jenkinsfile",
  "**/azure-pipelines*.yml",
  "**/azure-pipelines*.yaml",
  ".azure-pipelines/**",
  ".buildkite/**",
  "**/.travis.yml",
  "**/bitbucket-pipelines.yml",
  "**/.drone.yml",
  "**/.woodpecker.yml",
  ".woodpecker/**",
  ".gitea/**",
  ".forgejo/**",
];

/** Git's own settings in the tree: attributes hide content from diffs and pick filters, modules fetch code. */
const gitSettings = ["**/.gitattributes", "**/.gitmodules", "**/.lfsconfig", "**/CODEOWNERS"];

/** Package managers' settings and hooks: registries, tokens, scripts run at install. */
const packageManagerSettings = [
  "**/.npmrc",
  "**/.yarnrc",
  "**/.yarnrc.yml",
  ".yarn/plugins/**",
  ".yarn/releases/**",
  "**/.pnpmfile.cjs",
  "**/.pnpmfile.mjs",
  "**/pip.conf",
  "**/pip.ini",
  "**/.pypirc",
  "**/.cargo/config",
  "**/.cargo/config.toml",
  "**/rust-toolchain",
  "**/rust-toolchain.toml",
];

/**
 * Files that build or test tools execute or read as commands: build scripts of every detected
 * ecosystem and the ones tools compile and run unasked (Gradle's buildSrc, MSBuild's
 * Directory.Build.*, CMake, Bazel, sbt, SwiftPM, Mix).
 */
const buildExecution = [
  "**/Makefile",
  "**/makefile",
  "**/GNUmakefile",
  "**/*.mk",
  "**/build.rs",
  "**/gradlew",
  "**/gradlew.bat",
  "**/gradle/wrapper/**",
  "**/gradle.properties",
  "**/settings.gradle*",
  "**/mvnw",
  "**/mvnw.cmd",
  "**/.mvn/**",
  "**/setup.py",
  "**/setup.cfg",
  "**/conftest.py",
  "**/pytest.ini",
  "**/tox.ini",
  "**/noxfile.py",
  "**/buildSrc/**",
  "**/*.gradle",
  "**/*.gradle.kts",
  "**/gradle/libs.versions.toml",
  "**/init.gradle*",
  "**/CMakeLists.txt",
  "**/*.cmake",
  "**/CMakePresets.json",
  "**/meson.build",
  "**/meson_options.txt",
  "**/Directory.Build.props",
  "**/Directory.Build.targets",
  "**/Directory.Packages.props",
  "**/global.json",
  "**/*.csproj",
  "**/*.fsproj",
  "**/*.vbproj",
  "**/MODULE.bazel",
  "**/WORKSPACE",
  "**/WORKSPACE.bazel",
  "**/*.bzl",
  "**/.bazelrc",
  "**/.bazelversion",
  "**/Rakefile",
  "**/*.gemspec",
  "**/mix.exs",
  "**/build.sbt",
  "**/project/*.sbt",
  "**/project/*.scala",
  "**/project/build.properties",
  "**/Package.swift",
  "**/package.swift",
  "**/babel.config.*",
  "**/.babelrc*",
];

/** What the repository's checks run and how strictly: a change here can turn a check off. */
const checkSettings = [
  "**/jest.config.*",
  "**/vitest.config.*",
  "**/vitest.workspace.*",
  "**/.mocharc*",
  "**/karma.conf.*",
  "**/playwright.config.*",
  "**/cypress.config.*",
  "**/eslint.config.*",
  "**/.eslintrc*",
  "**/biome.json",
  "**/biome.jsonc",
  "**/ruff.toml",
  "**/.ruff.toml",
  "**/mypy.ini",
  "**/.golangci.yml",
  "**/.golangci.yaml",
  "**/phpunit.xml*",
  "**/tsconfig*.json",
  "**/jsconfig*.json",
  "**/.flake8",
  "**/.pylintrc",
  "**/pylintrc",
  "**/.coveragerc",
];

/** Hooks, editor tasks and development environments: code that runs on a developer's machine. */
const developerMachine = [
  "**/.pre-commit-config.yaml",
  "**/.pre-commit-hooks.yaml",
  ".husky/**",
  ".githooks/**",
  "**/lefthook.yml",
  "**/.lefthook.yml",
  ".vscode/tasks.json",
  ".vscode/launch.json",
  ".vscode/settings.json",
  ".devcontainer/**",
  "**/.devcontainer.json",
  "**/Dockerfile",
  "**/Dockerfile.*",
  "**/*.Dockerfile",
  "**/*.dockerfile",
  "**/Containerfile",
  "**/Containerfile.*",
  "**/docker-compose*.yml",
  "**/docker-compose*.yaml",
  "**/compose.yml",
  "**/compose.yaml",
  "**/.envrc",
];

/**
 * Dependency manifests, workspaces and lockfiles: what gets installed, and where from (a Go or pnpm
 * workspace swaps a module without touching its manifest; nuget.config picks the registry).
 */
const dependencies = [
  ...lockfileNames.map((name) => `**/${name}`),
  "**/package.json",
  "**/Cargo.toml",
  "**/pyproject.toml",
  "**/requirements*.txt",
  "**/go.mod",
  "**/pom.xml",
  "**/build.gradle*",
  "**/go.work",
  "**/go.work.sum",
  "**/pnpm-workspace.yaml",
  "**/bunfig.toml",
  "**/deno.json",
  "**/deno.jsonc",
  "**/deno.lock",
  "**/Gemfile",
  "**/gems.rb",
  "**/composer.json",
  "**/Pipfile",
  "**/environment.yml",
  "**/environment.yaml",
  "**/nuget.config",
  "**/NuGet.config",
  "**/NuGet.Config",
  "**/packages.config",
  "**/mix.lock",
  "**/Package.resolved",
];

/**
 * Installed dependencies and the tools setup provides: the gate runs programs from here (a venv's
 * pytest, a pinned package manager's launcher, node_modules/.bin), so a committed copy could stand
 * in for the real tool and make broken code pass. Setup makes them; a change never should.
 */
const installedDependencies = ["**/node_modules/**", "**/.venv/**", "**/__pypackages__/**"];

/** Globs a change must not touch without explicit permission (allowProtected). */
export const defaultProtectedPaths: readonly string[] = [
  ...ciConfiguration,
  // Slipway's own settings for the repository: checks and guards.
  ".slipway.yml",
  ".slipway.yaml",
  ...gitSettings,
  ...packageManagerSettings,
  ...buildExecution,
  ...checkSettings,
  ...developerMachine,
  ...dependencies,
  ...installedDependencies,
];
