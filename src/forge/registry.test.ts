// The forge registry matches the folders: every folder with a `<name>-forge.ts` is registered under
// that name, and every registered forge has its folder.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ForgeConfig, SlipwayConfig } from "../config/config-schema.ts";
import { ConfigError } from "../core/errors.ts";
import { forgeFactories, forgeSettingsFor, openForge } from "./registry.ts";

const forgeDir = fileURLToPath(new URL("./", import.meta.url));

test("the registry lists exactly the forge folders", () => {
  const folders = readdirSync(forgeDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${forgeDir}${entry.name}/${entry.name}-forge.ts`))
    .map((entry) => entry.name)
    .sort();
  assert.deepEqual([...forgeFactories.keys()].sort(), folders);
});

test("an unknown forge.type is a configuration error naming the known ones", async () => {
  const settings = ForgeConfig.parse({ type: "gitea" });
  await assert.rejects(
    // The store is never reached: the type is checked first.
    openForge({ settings, source: "/repo", store: undefined as never, env: {} }),
    (error: unknown) =>
      error instanceof ConfigError && /forge.type "gitea" is unknown: use one of local/.test(error.message),
  );
});

test("the forge is chosen per repository: a repositories entry, else the URL's host, else forge.type", () => {
  const config = SlipwayConfig.parse({
    forge: { type: "local", gitlab: { apiUrl: "https://gitlab.acme.test" } },
    repositories: [
      { match: "/srv/repos/special", forge: { type: "github", github: { owner: "acme", repo: "special" } } },
      { match: "https://git.acme.test/*", forge: { type: "gitlab", labels: ["internal"] } },
    ],
  });
  assert.equal(forgeSettingsFor(config, "/home/me/app").type, "local");
  assert.equal(forgeSettingsFor(config, "https://github.com/acme/app.git").type, "github");
  assert.equal(forgeSettingsFor(config, "git@gitlab.com:acme/app.git").type, "gitlab");
  assert.equal(forgeSettingsFor(config, "https://gitlab.acme.test/acme/app.git").type, "gitlab");
  const special = forgeSettingsFor(config, "/srv/repos/special");
  assert.equal(special.type, "github");
  assert.equal(special.github.owner, "acme");
  assert.equal(
    special.github.tokenEnv,
    "GITHUB_TOKEN",
    "the forge section's settings stay under the entry's",
  );
  const internal = forgeSettingsFor(config, "https://git.acme.test/team/tool.git");
  assert.deepEqual([internal.type, internal.labels], ["gitlab", ["internal"]]);
  assert.equal(
    forgeSettingsFor(config, "/srv/repos/special-other").type,
    "local",
    "no * means an exact match",
  );
});
