// Test-only: temp directories a test file writes files into, each removed after its test.
import { afterEach } from "node:test";
import { makeProject, removeProject } from "./verify-fixtures.ts";

/** Call at a test file's top level; the returned function makes a directory holding `files`. */
export function useTempDirectories(): (files?: Record<string, string>) => Promise<string> {
  const roots: string[] = [];
  afterEach(async () => {
    await Promise.all(roots.splice(0).map(removeProject));
  });
  return async (files = {}) => {
    const root = await makeProject(files);
    roots.push(root);
    return root;
  };
}
