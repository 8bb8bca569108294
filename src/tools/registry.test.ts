// The registry holds exactly the tools defined in this folder, one file per tool, named after it.
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { describe, test } from "node:test";
import { z } from "zod";
import { builtinTools } from "./registry.ts";
import type { AgentTool } from "./tool.ts";

function isAgentTool(value: unknown): value is AgentTool {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<AgentTool>;
  return (
    typeof candidate.name === "string" &&
    typeof candidate.run === "function" &&
    candidate.inputSchema !== undefined
  );
}

/** Tool name → the tool and its file, found by importing every module of the folder. */
async function toolsDefinedInFolder(): Promise<Map<string, { tool: AgentTool; file: string }>> {
  const found = new Map<string, { tool: AgentTool; file: string }>();
  const files = (await readdir(import.meta.dirname)).filter(
    (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
  );
  for (const file of files) {
    if (file === "registry.ts") continue;
    const module: Record<string, unknown> = await import(`./${file}`);
    for (const exported of Object.values(module)) {
      if (isAgentTool(exported)) found.set(exported.name, { tool: exported, file });
    }
  }
  return found;
}

describe("builtinTools", () => {
  test("holds the same tools as the folder's tool files, each in a file named after it", async () => {
    const defined = await toolsDefinedInFolder();
    assert.deepEqual([...builtinTools.keys()].sort(), [...defined.keys()].sort());
    for (const [name, { tool, file }] of defined) {
      assert.equal(file, `${name.replaceAll("_", "-")}.ts`);
      assert.equal(builtinTools.get(name), tool, `${name} in the registry is the one ${file} exports`);
    }
  });

  test("offers the nine built-in tools", () => {
    assert.deepEqual(
      [...builtinTools.keys()],
      [
        "read_file",
        "list_files",
        "search",
        "edit_file",
        "create_file",
        "run_command",
        "git",
        "verify",
        "finish",
      ],
    );
  });

  test("every tool's JSON schema describes every field", () => {
    for (const tool of builtinTools.values()) {
      const schema = z.toJSONSchema(tool.inputSchema, { io: "input" }) as {
        type?: string;
        properties?: Record<string, { description?: string }>;
      };
      assert.equal(schema.type, "object", tool.name);
      for (const [field, property] of Object.entries(schema.properties ?? {})) {
        assert.ok(
          property.description && property.description.length > 0,
          `${tool.name}.${field} has no description`,
        );
      }
      assert.ok(
        tool.description.length > 0 && tool.description.length <= 160,
        `${tool.name} description length`,
      );
    }
  });
});
