// The Maven repository the bench's Java rows build from, on a machine that reaches no Maven
// Central: a home folder whose ~/.m2/repository is the machine's own (the invoking user's
// ~/.m2/repository, copied) with Debian's packaged repository (/usr/share/maven-repo, links
// followed) copied over it. The project's CI commands and `slipway verify` both use it: the CI
// commands through -Dmaven.repo.local (Java reads its home from the password file, not $HOME),
// `slipway verify` through $HOME, as it shows any user's ~/.m2/repository to its checks.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";

export const debianMavenRepository = "/usr/share/maven-repo";
const copyTimeoutMs = 5 * 60_000;

export interface MavenHome {
  /** The folder to pass as HOME. */
  home: string;
  /** Variables for the project's own Maven commands. */
  env: Record<string, string>;
  /** What the repository was made of, for the row's notes. */
  note: string;
  remove: () => void;
}

/** A fresh home whose .m2/repository is this machine's Maven repository with Debian's over it. */
export function machineAndDebianMavenHome(): MavenHome {
  const home = mkdtempSync(path.join(tmpdir(), "slipway-real-m2-"));
  const repository = path.join(home, ".m2", "repository");
  mkdirSync(repository, { recursive: true });
  const own = path.join(homedir(), ".m2", "repository");
  const parts: string[] = [];
  if (existsSync(own)) {
    execFileSync("cp", ["-a", `${own}/.`, repository], { timeout: copyTimeoutMs });
    parts.push(`${own} (copied)`);
  }
  if (existsSync(debianMavenRepository)) {
    // Debian's relocation poms (surefire 2.12.4 → 2.22.3) must win over the upstream files.
    execFileSync("cp", ["-rL", "--remove-destination", `${debianMavenRepository}/.`, repository], {
      timeout: copyTimeoutMs,
    });
    parts.push(`${debianMavenRepository} over it`);
  }
  return {
    home,
    env: { HOME: home, MAVEN_OPTS: `-Dmaven.repo.local=${repository}` },
    note: `Maven repository: ${parts.join(", ") || "empty"}`,
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}
