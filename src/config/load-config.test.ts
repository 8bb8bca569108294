import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../core/errors.ts";
import { SlipwayConfig } from "./config-schema.ts";
import { renderConfigTemplate } from "./config-template.ts";
import { loadConfig } from "./load-config.ts";

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function dirs() {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-config-"));
  roots.push(root);
  const project = path.join(root, "project");
  const xdg = path.join(root, "xdg");
  mkdirSync(project);
  mkdirSync(path.join(xdg, "slipway"), { recursive: true });
  return { project, userFile: path.join(xdg, "slipway", "slipway.yaml"), env: { XDG_CONFIG_HOME: xdg } };
}

describe("loadConfig", () => {
  test("applies defaults when no file, variable or flag is set", () => {
    const { project, env } = dirs();
    const { config, files } = loadConfig({ projectDir: project, env, flags: {} });
    assert.deepEqual(files, []);
    assert.equal(config.limits.maxTurns, 40);
    assert.equal(config.sandbox.backend, "auto");
    assert.equal(config.model, undefined);
  });

  test("layers user file < project file < environment < flags", () => {
    const { project, userFile, env } = dirs();
    writeFileSync(userFile, "model: anthropic:user-model\nlimits:\n  maxTurns: 11\n  maxMinutes: 7\n");
    writeFileSync(path.join(project, "slipway.yaml"), "limits:\n  maxTurns: 12\n");
    const { config } = loadConfig({
      projectDir: project,
      env: { ...env, SLIPWAY_MAX_MINUTES: "9", SLIPWAY_MODEL: "openai:env-model" },
      flags: { limits: { maxTokens: 1000 } },
    });
    assert.equal(config.model, "openai:env-model");
    assert.equal(config.limits.maxTurns, 12);
    assert.equal(config.limits.maxMinutes, 9);
    assert.equal(config.limits.maxTokens, 1000);
    assert.equal(config.limits.maxCostUsd, 5);
  });

  test("names the file and the key of a wrong value", () => {
    const { project, env } = dirs();
    const file = path.join(project, "slipway.yaml");
    writeFileSync(file, "limits:\n  maxTurns: ten\n");
    assert.throws(
      () => loadConfig({ projectDir: project, env, flags: {} }),
      (error: unknown) =>
        error instanceof ConfigError && error.message.startsWith(`${file}: limits.maxTurns: `),
    );
  });

  test("a flag in the same section does not take the blame for a file's wrong value", () => {
    const { project, env } = dirs();
    const file = path.join(project, "slipway.yaml");
    writeFileSync(file, "limits:\n  maxTurns: ten\n");
    assert.throws(
      () => loadConfig({ projectDir: project, env, flags: { limits: { maxMinutes: 5 } } }),
      (error: unknown) =>
        error instanceof ConfigError && error.message.startsWith(`${file}: limits.maxTurns: `),
    );
  });

  test("names an unknown key and the file it is in", () => {
    const { project, env } = dirs();
    writeFileSync(path.join(project, "slipway.yaml"), "sandbox:\n  backedn: bwrap\n");
    assert.throws(
      () => loadConfig({ projectDir: project, env, flags: {} }),
      /slipway\.yaml: unknown key sandbox\.backedn/,
    );
  });

  test("names the environment variable that holds a wrong value", () => {
    const { project, env } = dirs();
    assert.throws(
      () => loadConfig({ projectDir: project, env: { ...env, SLIPWAY_MAX_TURNS: "many" }, flags: {} }),
      /environment variable SLIPWAY_MAX_TURNS: limits\.maxTurns/,
    );
  });

  test("reports YAML syntax errors with the file name", () => {
    const { project, env } = dirs();
    writeFileSync(path.join(project, "slipway.yaml"), "limits: [unclosed\n");
    assert.throws(
      () => loadConfig({ projectDir: project, env, flags: {} }),
      /slipway\.yaml is not valid YAML/,
    );
  });

  test("refuses a model reference without a provider", () => {
    const { project, env } = dirs();
    assert.throws(
      () => loadConfig({ projectDir: project, env, flags: { model: "gpt" } }),
      /model: expected provider:model/,
    );
  });

  test("bwrap mounts the default toolchains, rustup's and pyenv's included, and no extra directory", () => {
    const { project, env } = dirs();
    const { config } = loadConfig({ projectDir: project, env, flags: {} });
    for (const name of ["node", "python3", "pytest", "cargo", "rustc", "go", "mvn"])
      assert.ok(config.sandbox.toolchains.includes(name), `${name} is not a default toolchain`);
    assert.deepEqual(config.sandbox.readOnlyMounts, []);
  });

  test("refuses a read-only mount of ~/.cargo as a whole, naming the file, the key and the fix", () => {
    const { project, env } = dirs();
    const file = path.join(project, "slipway.yaml");
    writeFileSync(file, `sandbox:\n  readOnlyMounts: [/opt/jdk-21, ${homedir()}/.cargo]\n`);
    assert.throws(
      () => loadConfig({ projectDir: project, env, flags: {} }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.startsWith(
          `${file}: sandbox.readOnlyMounts: ${homedir()}/.cargo cannot be mounted: it contains ${homedir()}/.cargo/credentials.toml; remove it`,
        ) &&
        !error.message.includes("\n"),
    );
  });

  test("refuses a read-only mount of the home directory, ~/.ssh or the configured data directory", () => {
    const { project, env } = dirs();
    const dataDir = path.join(project, "data");
    const refused = [
      [homedir(), `it is ${homedir()}`],
      [`${homedir()}/.ssh/keys`, `it is inside ${homedir()}/.ssh`],
      [project, `it contains ${dataDir}`],
    ] as const;
    for (const [directory, reason] of refused) {
      const flags = { dataDir, sandbox: { readOnlyMounts: [directory] } };
      assert.throws(
        () => loadConfig({ projectDir: project, env, flags }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.startsWith(
            `command line: sandbox.readOnlyMounts: ${directory} cannot be mounted: ${reason};`,
          ),
      );
    }
  });

  test("a relative read-only mount or a toolchain given as a path names the key", () => {
    const { project, env } = dirs();
    assert.throws(
      () => loadConfig({ projectDir: project, env, flags: { sandbox: { readOnlyMounts: ["opt/jdk"] } } }),
      /^ConfigError: command line: sandbox\.readOnlyMounts\.0: expected an absolute host path$/,
    );
    assert.throws(
      () => loadConfig({ projectDir: project, env, flags: { sandbox: { toolchains: ["/usr/bin/node"] } } }),
      /command line: sandbox\.toolchains\.0: expected a program name/,
    );
  });

  test("an explicit --config file that does not exist is an error", () => {
    const { project, env } = dirs();
    assert.throws(
      () =>
        loadConfig({ explicitFile: path.join(project, "missing.yaml"), projectDir: project, env, flags: {} }),
      /missing\.yaml does not exist/,
    );
  });
});

describe("renderConfigTemplate", () => {
  test("writes a file the loader accepts and that equals the defaults", () => {
    const parsed = SlipwayConfig.parse(parseYaml(renderConfigTemplate()) ?? {});
    assert.deepEqual(parsed, SlipwayConfig.parse({}));
  });

  test("documents every top-level key of the schema", () => {
    const text = renderConfigTemplate();
    for (const key of Object.keys(SlipwayConfig.shape)) assert.match(text, new RegExp(`^#? ?${key}:`, "m"));
  });
});
