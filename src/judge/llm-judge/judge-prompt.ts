// What the judge is told. It sees the task as written, the diff and the verifier summary — never
// the agent's own reasoning, so it judges the result and not the story about it.
import type { DiffChunk } from "./chunk-diff.ts";

export const judgeSystemPrompt = [
  "You are an independent code reviewer. You decide whether a change does what its task asks, and nothing else.",
  "Veto when the change is out of scope (touches things the task did not ask for), incomplete (misses part of the end state),",
  "wrong (does not do what the task says, or breaks behaviour), or risky (security, data loss, disabled checks).",
  "Approve when the change does what the task asks, within its scope. Style preferences are not reasons to veto.",
  "Answer with one JSON object and nothing else:",
  '{"verdict": "approve" | "veto", "in_scope": true | false, "problems": [{"file": "path", "line": 12, "kind": "out_of_scope" | "incomplete" | "wrong" | "risky", "explanation": "…"}], "confidence": 0.0-1.0}',
].join("\n");

export function judgeUserMessage(input: {
  task: string;
  verification: string;
  chunk: DiffChunk;
  index: number;
  count: number;
  allFiles: string[];
}): string {
  const part =
    input.count > 1
      ? `This is part ${input.index + 1} of ${input.count} of the diff (files here: ${input.chunk.files.join(", ")}; all files changed: ${input.allFiles.join(", ")}). Judge this part; other parts are judged separately.`
      : `Files changed: ${input.allFiles.join(", ")}.`;
  return [
    "## Task, as written",
    input.task.trim(),
    "",
    "## Verification (the repository's own checks, run by the platform)",
    input.verification.trim() || "(no checks)",
    "",
    "## Diff",
    part,
    "```diff",
    input.chunk.text,
    "```",
  ].join("\n");
}
