// The configuration reference page is generated from the schemas and must match them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { z } from "zod";
import { RepoVerifyConfig } from "../verify/repo-config.ts";
import { regenerateCommand, renderConfigReference } from "./config-reference.ts";
import { envOverrides } from "./env-overrides.ts";

const referencePath = path.join(import.meta.dirname, "..", "..", "docs", "configuration-reference.md");

test("docs/configuration-reference.md is the reference rendered from the current schemas", () => {
  const committed = readFileSync(referencePath, "utf8");
  assert.ok(
    committed === renderConfigReference(),
    `docs/configuration-reference.md is stale: the configuration schemas changed. Regenerate it with \`${regenerateCommand}\` and commit it.`,
  );
});

test("a key added to the schema appears with its type, default, bounds and description", () => {
  const schema = z
    .object({
      limits: z
        .object({ maxWidgets: z.number().int().min(1).max(9).default(3).describe("widgets per run") })
        .strict(),
    })
    .strict();
  const page = renderConfigReference(schema, RepoVerifyConfig);
  assert.ok(page.includes("| `limits.maxWidgets` | integer (≥ 1, ≤ 9) | `3` |  | widgets per run |"));
});

test("every environment variable Slipway reads as configuration is named beside its key", () => {
  const page = renderConfigReference();
  for (const override of envOverrides) {
    const row = page.split("\n").find((line) => line.startsWith(`| \`${override.path.join(".")}\` |`));
    assert.ok(row, `no row for ${override.path.join(".")}`);
    assert.ok(row.includes(`\`${override.env}\``), `${override.env} is not named on ${row}`);
  }
});

test("a table cell keeps its row: pipes in a description are escaped, a long default moves below", () => {
  const schema = z
    .object({
      guards: z
        .object({
          globs: z
            .array(z.string())
            .default(Array.from({ length: 30 }, (_, index) => `dir${index}/**`))
            .describe("a | b"),
        })
        .strict(),
    })
    .strict();
  const page = renderConfigReference(schema, RepoVerifyConfig);
  assert.ok(page.includes("| `guards.globs` | string list | listed below |  | a \\| b |"));
  assert.ok(page.includes("Default of `guards.globs`: `dir0/**`, `dir1/**`"));
});

test("every key of both files, the repository's setup and verify sections too, says what it means", () => {
  const page = renderConfigReference();
  const undescribed = page.split("\n").filter((line) => line.includes("(no description in the schema)"));
  assert.deepEqual(undescribed, []);
  for (const key of ["setup.commands", "setup.env", "setup.allowHosts", "verify.commands[].run"]) {
    assert.ok(page.includes(`| \`${key}\` |`), `${key} is in the reference`);
  }
});
