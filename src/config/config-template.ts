// Writes the commented slipway.yaml that `slipway init` creates, derived from the schema so the
// file can never list a key the loader does not know.
import { isMap, parseDocument, stringify } from "yaml";
import { z } from "zod";
import { SlipwayConfig } from "./config-schema.ts";

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchemaNode>;
}

function renderValue(value: unknown): string {
  return typeof value === "object" ? JSON.stringify(value) : stringify(value).trim();
}

function renderNode(name: string, node: JsonSchemaNode, depth: number, lines: string[]): void {
  const indent = "  ".repeat(depth);
  if (node.description) lines.push(`${indent}# ${node.description}`);
  if (node.properties && name !== "prices") {
    const children: string[] = [];
    for (const [child, childNode] of Object.entries(node.properties))
      renderNode(child, childNode, depth + 1, children);
    // A section whose keys are all commented out stays commented too: an empty key would read as null.
    const active = children.some((line) => !line.trimStart().startsWith("#"));
    lines.push(active ? `${indent}${name}:` : `${indent}# ${name}:`, ...children);
    return;
  }
  if (node.default !== undefined) {
    lines.push(`${indent}${name}: ${renderValue(node.default)}`);
  } else {
    lines.push(`${indent}# ${name}: `);
  }
}

/** The text of a commented slipway.yaml with every key at its default. */
export function renderConfigTemplate(): string {
  const schema = z.toJSONSchema(SlipwayConfig, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  const lines = [
    "# Slipway configuration. Project level: ./slipway.yaml; user level: ~/.config/slipway/slipway.yaml.",
    "# Environment variables override files (SLIPWAY_MODEL, SLIPWAY_DATA_DIR, SLIPWAY_SANDBOX, …);",
    "# command-line flags override both. API keys come only from the environment, never from this file.",
    "#",
    "# model examples: anthropic:claude-sonnet-4-5 (ANTHROPIC_API_KEY), openai:gpt-5 (OPENAI_API_KEY),",
    "#   openai-compatible:qwen3-coder with providers.openai-compatible.baseUrl: http://localhost:11434/v1",
    "",
  ];
  for (const [name, node] of Object.entries(schema.properties ?? {})) {
    renderNode(name, node, 0, lines);
    lines.push("");
  }
  lines.push(
    "# prices:",
    '#   "anthropic:claude-sonnet-4-5": { inputPerMillion: 3, outputPerMillion: 15 }',
    "",
  );
  return lines.join("\n");
}

/** A value `slipway init` chose, at its key path (e.g. ["sandbox", "backend"]). */
export interface ChosenSetting {
  path: string[];
  value: string;
}

/** The commented template with the chosen settings filled in; the comments stay where they are. */
export function renderConfigWith(settings: ChosenSetting[]): string {
  const document = parseDocument(renderConfigTemplate());
  for (const { path, value } of settings) {
    if (path.length === 1 && isMap(document.contents) && !document.has(path[0])) {
      // A top-level key the template leaves commented (model) goes first, where a reader looks.
      document.contents.items.unshift(document.createPair(path[0], value));
      continue;
    }
    document.setIn(path, value);
  }
  return document.toString();
}
