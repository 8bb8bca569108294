// Renders docs/configuration-reference.md from the zod schemas, so the reference lists exactly the
// keys, types and defaults the loaders accept; a test fails when the committed page is stale.
import { z } from "zod";
import { RepoSetupConfig } from "../setup/repo-setup-config.ts";
import { RepoVerifyConfig } from "../verify/repo-config.ts";
import { SlipwayConfig } from "./config-schema.ts";
import { envOverrides } from "./env-overrides.ts";

/** The subset of JSON Schema that z.toJSONSchema emits for these schemas. */
interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
}

interface ReferenceRow {
  key: string;
  type: string;
  defaultValue: string;
  /** The default as the schema holds it, for defaults too long for a table cell. */
  rawDefault?: unknown;
  description: string;
}

/** The command that regenerates the page; the staleness test prints it. */
export const regenerateCommand = "npm run docs:config";

const missingDescription = "(no description in the schema)";

// zod writes Number.MAX_SAFE_INTEGER as the maximum of every int(); it says nothing to a reader.
const largestInteger = Number.MAX_SAFE_INTEGER;

function toJsonSchema(schema: z.ZodType): JsonSchemaNode {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
}

function typeName(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((value) => JSON.stringify(value)).join(" \\| ");
  if (node.type === "array") return `${node.items ? typeName(node.items) : "value"} list`;
  return Array.isArray(node.type) ? node.type.join(" \\| ") : (node.type ?? "any");
}

/** Bounds and patterns a value must meet, in words. */
function constraints(node: JsonSchemaNode): string[] {
  const parts: string[] = [];
  if (node.exclusiveMinimum !== undefined) parts.push(`> ${node.exclusiveMinimum}`);
  if (node.minimum !== undefined) parts.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined && node.maximum < largestInteger) parts.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined && node.minLength > 0) parts.push("not empty");
  if (node.pattern !== undefined) parts.push(`matches \`${node.pattern}\``);
  return parts;
}

function describeType(node: JsonSchemaNode): string {
  const bounds = constraints(node);
  return bounds.length > 0 ? `${typeName(node)} (${bounds.join(", ")})` : typeName(node);
}

function renderDefault(value: unknown): string {
  if (value === undefined) return "—";
  return `\`${JSON.stringify(value)}\``;
}

function isSection(node: JsonSchemaNode): boolean {
  return node.type === "object" && node.properties !== undefined;
}

/** Every leaf under `node`, depth first, named by its dotted path from the file's root. */
function collectRows(prefix: string, node: JsonSchemaNode, rows: ReferenceRow[]): void {
  if (isSection(node)) {
    for (const [name, child] of Object.entries(node.properties ?? {}))
      collectRows(`${prefix}.${name}`, child, rows);
    return;
  }
  const entry = typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
  if (node.type === "object" && entry && isSection(entry)) {
    // A map (prices): the key is the reader's, the entry's fields are the schema's.
    rows.push({
      key: prefix,
      type: "map",
      defaultValue: renderDefault(node.default),
      description: node.description ?? missingDescription,
    });
    collectRows(`${prefix}.<key>`, entry, rows);
    return;
  }
  if (node.type === "array" && node.items && isSection(node.items)) {
    rows.push({
      key: prefix,
      type: "list",
      defaultValue: renderDefault(node.default),
      description: node.description ?? missingDescription,
    });
    collectRows(`${prefix}[]`, node.items, rows);
    return;
  }
  rows.push({
    key: prefix,
    type: describeType(node),
    defaultValue: renderDefault(node.default),
    rawDefault: node.default,
    description: node.description ?? missingDescription,
  });
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function environmentVariable(key: string): string {
  const override = envOverrides.find((candidate) => candidate.path.join(".") === key);
  return override ? `\`${override.env}\`` : "";
}

// A default longer than this (the protected paths) would drown its table: it is listed below it.
const longestInlineDefault = 120;

function renderTable(rows: ReferenceRow[]): string[] {
  const lines = ["| key | type | default | environment | description |", "|---|---|---|---|---|"];
  const longDefaults: string[] = [];
  for (const row of rows) {
    let defaultValue = cell(row.defaultValue);
    if (row.defaultValue.length > longestInlineDefault) {
      defaultValue = "listed below";
      const items = Array.isArray(row.rawDefault) ? row.rawDefault : [row.rawDefault];
      const listed = items.map((item) => `\`${String(item)}\``).join(", ");
      longDefaults.push("", `Default of \`${row.key}\`: ${listed}.`);
    }
    // Types may already hold escaped pipes from enums: only the description is escaped here.
    lines.push(
      `| \`${row.key}\` | ${row.type} | ${defaultValue} | ${environmentVariable(row.key)} | ${cell(row.description)} |`,
    );
  }
  return [...lines, ...longDefaults];
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** One `##`/`###` section per top-level object of `schema`; top-level leaves under `rootTitle`. */
function renderFile(schema: JsonSchemaNode, depth: string, rootTitle: string): string[] {
  const lines: string[] = [];
  const rootRows: ReferenceRow[] = [];
  const sections: string[] = [];
  for (const [name, node] of Object.entries(schema.properties ?? {})) {
    const rows: ReferenceRow[] = [];
    collectRows(name, node, rows);
    if (!isSection(node)) {
      rootRows.push(...rows);
      continue;
    }
    sections.push("", `${depth} \`${name}\``, "");
    if (node.description) sections.push(sentence(cell(node.description)), "");
    sections.push(...renderTable(rows));
  }
  if (rootRows.length > 0) lines.push("", `${depth} ${rootTitle}`, "", ...renderTable(rootRows));
  return [...lines, ...sections];
}

const platformIntro = [
  "# Configuration reference",
  "",
  `<!-- Generated from the zod schemas by \`${regenerateCommand}\` (src/config/config-reference.ts). Do not edit by hand: a test fails when this page differs from the schemas. -->`,
  "",
  "Slipway reads two different files; [the two configuration files](configuration-files.md) explains",
  "which is which. This page lists every key of both, with its type, default and meaning.",
  "",
  "## `slipway.yaml` — the platform's settings",
  "",
  "Read from `~/.config/slipway/slipway.yaml` (or `$XDG_CONFIG_HOME/slipway/slipway.yaml`), then",
  "`./slipway.yaml` or the file given with `--config`, then the environment variables named below,",
  "then command-line flags; each later source overrides the earlier one key by key. An unknown key",
  "is an error that names the file and the key. API keys are never read from this file.",
];

const repositoryIntro = [
  "",
  "## `.slipway.yml` — the repository's own settings",
  "",
  "Committed in the repository's root as `.slipway.yml` (or `.slipway.yaml`). A run reads it as it",
  "stands at the base commit, never the agent's edited copy. Other top-level keys are ignored.",
];

const repositoryGuardsNote = [
  "",
  "### `guards`",
  "",
  "The same keys as `guards` in `slipway.yaml` above; each key set here replaces the platform's",
  "value for runs on this repository. A task's `--allow-path` replaces `allowedPaths`, and",
  "`--allow-protected` and `--allow-binary` add to `allowProtected` and `allowBinary`.",
];

/** The whole reference page, as Markdown, from the given schemas (the real ones by default). Pure. */
export function renderConfigReference(
  platformSchema: z.ZodType = SlipwayConfig,
  repositoryVerifySchema: z.ZodType = RepoVerifyConfig,
  repositorySetupSchema: z.ZodType = RepoSetupConfig,
): string {
  const platform = toJsonSchema(platformSchema);
  const repositoryVerify: JsonSchemaNode = {
    type: "object",
    properties: {
      setup: {
        ...toJsonSchema(repositorySetupSchema),
        description: "how dependencies are installed before the agent starts (see setup.md)",
      },
      verify: { ...toJsonSchema(repositoryVerifySchema), description: "checks the repository declares" },
    },
  };
  const lines = [
    ...platformIntro,
    ...renderFile(platform, "###", "Top level"),
    ...repositoryIntro,
    ...renderFile(repositoryVerify, "###", "Top level"),
    ...repositoryGuardsNote,
  ];
  return `${lines.join("\n")}\n`;
}
