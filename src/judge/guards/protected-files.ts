// Guard `protected-files`: CI configuration, lockfiles and manifests change only with permission.
import type { ParsedDiff } from "../diff/parse-diff.ts";
import { firstMatchingGlob, type Guard, type GuardFinding, type GuardPolicy, touchedPaths } from "./guard.ts";

function checkProtected(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const file of diff.files) {
    for (const path of touchedPaths(file)) {
      const rule = firstMatchingGlob(path, policy.protectedPaths);
      if (rule === undefined || firstMatchingGlob(path, policy.allowProtected) !== undefined) continue;
      findings.push({
        guard: "protected-files",
        file: path,
        message: `${path} is protected by "${rule}" and this task does not permit changing it; revert the file (it was ${file.status})`,
      });
    }
  }
  return findings;
}

/** Refuses changes to protected paths unless the policy's allowProtected names them. */
export const protectedFilesGuard: Guard = { name: "protected-files", check: checkProtected };
