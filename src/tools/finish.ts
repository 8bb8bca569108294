// finish: the agent declares the end state reached; the platform then runs the full gate.
import { z } from "zod";
import { defineTool } from "./tool.ts";

const FinishInput = z.object({
  summary: z
    .string()
    .min(1)
    .describe("What you changed and why, in a few sentences (or why you changed nothing)"),
});

export const finishTool = defineTool({
  name: "finish",
  description:
    "Call when the task's end state is reached (or cannot be): Slipway then verifies and reviews the change.",
  inputSchema: FinishInput,
  async run(input) {
    return { text: "finish requested", isError: false, finish: { summary: input.summary } };
  },
});
