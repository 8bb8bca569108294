// The task key: what makes a re-run "the same task". Its branch is `slipway/<key>`, so running the
// same task again updates the same branch and the same pull request instead of opening another.
import { createHash } from "node:crypto";
import { InputError } from "../core/errors.ts";

const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Whitespace does not make a task different: line endings, indentation and spacing are folded. */
export function normalizeTaskText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * The key derived from what the task is: the repository, the base ref as given, and the task text
 * (whitespace-insensitive). 12 hex characters of a SHA-256.
 */
export function deriveTaskKey(repo: string, baseRef: string, taskText: string): string {
  const identity = JSON.stringify([repo, baseRef.trim() || "HEAD", normalizeTaskText(taskText)]);
  return createHash("sha256").update(identity).digest("hex").slice(0, 12);
}

/** Check a key given with `--task-key`; it becomes part of a branch name. */
export function validateTaskKey(key: string): string {
  const value = key.trim();
  if (!keyPattern.test(value) || value.includes("..") || value.endsWith(".lock")) {
    throw new InputError(
      `task key "${key}" cannot name a branch: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. JIRA-123)`,
      { details: { key } },
    );
  }
  return value;
}

/** The branch of a task's runs. */
export function branchForTaskKey(key: string): string {
  return `slipway/${key}`;
}
