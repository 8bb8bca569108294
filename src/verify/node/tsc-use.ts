// Whether a Node package type-checks with plain tsc, so Slipway may add `tsc --noEmit` for it: a
// tsconfig.json alone is no evidence (projects use `tsc --build`, a bundler, or no type-check at all,
// and tsc --noEmit then fails where their own CI passes).
import path from "node:path";
import type { PackageJson } from "./package-checks.ts";

/** `tsc` as a command in a script (alone, after npx, or after && ; |), not `vue-tsc` or a path. */
const runsTsc = /(^|[\s;&|(])(npx\s+|pnpm\s+(exec\s+)?|yarn\s+)?tsc(?=\s|$|[;&|)])/;
/** tsc in build mode: project references, which `tsc --noEmit` at the root does not check alike. */
const runsTscBuild = /(^|[\s;&|(])(npx\s+|pnpm\s+(exec\s+)?|yarn\s+)?tsc\s+([^;&|]*\s)?(-b|--build)(\s|$)/;

function dependsOnTypescript(json: PackageJson): boolean {
  return [json.dependencies, json.devDependencies].some(
    (list) => typeof list === "object" && list !== null && "typescript" in list,
  );
}

/**
 * Whether `tsc --noEmit` is a check the package at `directory` itself would run, and why: yes when a
 * script runs tsc or typescript is a dependency; no in build mode, without either, or inside
 * node_modules (a dependency's tsconfig is not the project's).
 */
export function tscUse(directory: string, json: PackageJson): { runs: boolean; why: string } {
  if (directory.split(path.sep).includes("node_modules"))
    return { runs: false, why: "it is inside node_modules" };
  const bodies = Object.values(json.scripts ?? {}).filter((body): body is string => typeof body === "string");
  if (bodies.some((body) => runsTscBuild.test(body)))
    return { runs: false, why: "its scripts type-check with tsc --build" };
  if (bodies.some((body) => runsTsc.test(body))) return { runs: true, why: "a script runs tsc" };
  if (dependsOnTypescript(json)) return { runs: true, why: "typescript is a dependency" };
  return { runs: false, why: "no script runs tsc and typescript is not a dependency" };
}
