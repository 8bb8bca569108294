// Guard `paths`: every touched path is inside the allowed globs and outside the forbidden ones.
import type { ParsedDiff } from "../diff/parse-diff.ts";
import { firstMatchingGlob, type Guard, type GuardFinding, type GuardPolicy, touchedPaths } from "./guard.ts";

function checkPaths(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const file of diff.files) {
    for (const path of touchedPaths(file)) {
      const forbidden = firstMatchingGlob(path, policy.forbiddenPaths);
      if (forbidden !== undefined) {
        findings.push({
          guard: "paths",
          file: path,
          message: `${path} matches the forbidden path "${forbidden}"; undo every change to it`,
        });
      } else if (
        policy.allowedPaths.length > 0 &&
        firstMatchingGlob(path, policy.allowedPaths) === undefined
      ) {
        findings.push({
          guard: "paths",
          file: path,
          message: `${path} is outside the allowed paths (${policy.allowedPaths.join(", ")}); undo the change to it or make it inside them`,
        });
      }
    }
  }
  return findings;
}

/** Refuses changes to forbidden paths and, when allowedPaths is set, to anything outside it. */
export const pathsGuard: Guard = { name: "paths", check: checkPaths };
