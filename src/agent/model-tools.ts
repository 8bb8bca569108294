// Describes the agent's tools to the provider library. Arguments are validated by our own
// wrapper (tools/run-tool.ts), so the model gets one consistent, actionable error format.
import { jsonSchema, type ToolSet, tool } from "ai";
import { z } from "zod";
import type { AgentTool } from "../tools/tool.ts";

/** The tool declarations sent to the model: name, description and JSON schema, no executor. */
export function toModelToolSet(tools: ReadonlyMap<string, AgentTool>): ToolSet {
  const set: ToolSet = {};
  for (const [name, agentTool] of tools) {
    const schema = z.toJSONSchema(agentTool.inputSchema, { io: "input" });
    set[name] = tool({
      description: agentTool.description,
      inputSchema: jsonSchema(schema as Parameters<typeof jsonSchema>[0]),
    });
  }
  return set;
}
