// verify: runs the repository's fast checks (build, tests, lint) and returns their concise findings.
import { z } from "zod";
import { defineTool, ok } from "./tool.ts";

const VerifyInput = z.object({});

export const verifyTool = defineTool({
  name: "verify",
  description:
    "Run the repository's own checks (build, tests, lint); returns failing tests and first errors.",
  inputSchema: VerifyInput,
  async run(_input, context) {
    return ok(await context.verify(context.signal));
  },
});
