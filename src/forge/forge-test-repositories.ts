// Test fixture for forge tests: a "hosted" bare repository (what the forge double serves), a bare
// mirror as Slipway keeps it, and a working clone to make commits in, all in one temp directory.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { git, makeRepo, tempDir, writeFiles } from "../../test/helpers/git-fixture.ts";

export interface ForgeTestRepositories {
  /** Holds `<owner>/<repo>.git`: the git double's project root. */
  projectRoot: string;
  hostedPath: string;
  mirrorPath: string;
  /** A commit on `branch` in the mirror (made in a scratch clone), returned as its sha. */
  commitInMirror(branch: string, file: string, content: string): string;
  /** A commit pushed straight to the hosted repository, as another person would. */
  commitInHosted(branch: string, file: string, content: string): string;
  /** The sha of `refs/heads/<branch>` in the hosted repository, or null. */
  hostedHead(branch: string): string | null;
  remove(): void;
}

export function makeForgeTestRepositories(owner: string, repo: string): ForgeTestRepositories {
  const root = tempDir("forge");
  // Docs only: it declares that it has no checks, or the gate would refuse to pass its changes.
  const source = makeRepo({ "README.md": "# fixture\n", ".slipway.yml": "verify:\n  none: true\n" });
  const projectRoot = path.join(root, "hosted");
  mkdirSync(path.join(projectRoot, owner), { recursive: true });
  const hostedPath = path.join(projectRoot, owner, `${repo}.git`);
  git(root, "clone", "--quiet", "--bare", source, hostedPath);
  const mirrorPath = path.join(root, "mirror.git");
  git(root, "clone", "--quiet", "--mirror", hostedPath, mirrorPath);
  const scratch = path.join(root, "scratch");
  git(root, "clone", "--quiet", hostedPath, scratch);

  const commitOn = (branch: string, file: string, content: string): string => {
    git(scratch, "checkout", "--quiet", "-B", branch, "origin/main");
    writeFiles(scratch, { [file]: content });
    git(scratch, "add", "-A");
    git(scratch, "commit", "--quiet", "-m", `change ${file}`);
    return git(scratch, "rev-parse", "HEAD");
  };
  return {
    projectRoot,
    hostedPath,
    mirrorPath,
    commitInMirror(branch, file, content) {
      const sha = commitOn(branch, file, content);
      git(mirrorPath, "fetch", "--quiet", scratch, `+refs/heads/${branch}:refs/heads/${branch}`);
      return sha;
    },
    commitInHosted(branch, file, content) {
      const sha = commitOn(branch, file, content);
      git(scratch, "push", "--quiet", "--force", "origin", `HEAD:refs/heads/${branch}`);
      return sha;
    },
    hostedHead(branch) {
      try {
        return git(hostedPath, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`);
      } catch {
        // rev-parse --verify exits 1 when the ref does not exist.
        return null;
      }
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
      rmSync(source, { recursive: true, force: true });
    },
  };
}
