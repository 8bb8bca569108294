// Copies the bundled example project into a fresh git repository for `slipway demo`.
import { cp, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runGit } from "../workspace/git.ts";

export const exampleRepoDir = fileURLToPath(new URL("./example-repo/", import.meta.url));
export const demoTaskFile = fileURLToPath(new URL("./demo-task.md", import.meta.url));

/** Create `<parent>/example-<stamp>` as a git repository with one commit of the example project. */
export async function prepareDemoRepository(parent: string): Promise<string> {
  const repo = path.join(parent, `example-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  await mkdir(parent, { recursive: true });
  await cp(exampleRepoDir, repo, { recursive: true });
  await runGit(["init", "--quiet", "--initial-branch=main"], { cwd: repo });
  await runGit(["add", "-A"], { cwd: repo });
  await runGit(["commit", "--quiet", "-m", "Example project"], {
    cwd: repo,
    env: {
      GIT_AUTHOR_NAME: "Slipway Demo",
      GIT_AUTHOR_EMAIL: "demo@slipway.invalid",
      GIT_COMMITTER_NAME: "Slipway Demo",
      GIT_COMMITTER_EMAIL: "demo@slipway.invalid",
    },
  });
  return repo;
}
