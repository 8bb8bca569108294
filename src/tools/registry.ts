// The built-in agent tools, by name. Adding a tool means adding its file and one line here.
import { createFileTool } from "./create-file.ts";
import { editFileTool } from "./edit-file.ts";
import { finishTool } from "./finish.ts";
import { gitTool } from "./git.ts";
import { listFilesTool } from "./list-files.ts";
import { readFileTool } from "./read-file.ts";
import { runCommandTool } from "./run-command.ts";
import { searchTool } from "./search.ts";
import type { AgentTool } from "./tool.ts";
import { verifyTool } from "./verify.ts";

const tools: AgentTool[] = [
  readFileTool,
  listFilesTool,
  searchTool,
  editFileTool,
  createFileTool,
  runCommandTool,
  gitTool,
  verifyTool,
  finishTool,
];

/** The tools the built-in agent loop offers the model, keyed by tool name. */
export const builtinTools: ReadonlyMap<string, AgentTool> = new Map(tools.map((tool) => [tool.name, tool]));
