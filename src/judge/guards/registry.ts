// The scope guards, registered by name, and the one call that runs them all on a diff.
import type { ParsedDiff } from "../diff/parse-diff.ts";
import { binaryFilesGuard } from "./binary-files.ts";
import type { Guard, GuardFinding, GuardPolicy } from "./guard.ts";
import { hiddenCharactersGuard } from "./hidden-characters.ts";
import { pathsGuard } from "./paths.ts";
import { placeholdersGuard } from "./placeholders.ts";
import { protectedFilesGuard } from "./protected-files.ts";
import { secretsGuard } from "./secrets.ts";
import { sizeGuard } from "./size.ts";
import { submodulesGuard } from "./submodules.ts";
import { symlinksGuard } from "./symlinks.ts";
import { testsDisabledGuard } from "./tests-disabled.ts";

/** Every guard by name, in the order they run. Each lives in `<name>.ts` next to this file. */
export const guards: ReadonlyMap<string, Guard> = new Map<string, Guard>([
  [pathsGuard.name, pathsGuard],
  [protectedFilesGuard.name, protectedFilesGuard],
  [sizeGuard.name, sizeGuard],
  [binaryFilesGuard.name, binaryFilesGuard],
  [symlinksGuard.name, symlinksGuard],
  [submodulesGuard.name, submodulesGuard],
  [secretsGuard.name, secretsGuard],
  [hiddenCharactersGuard.name, hiddenCharactersGuard],
  [testsDisabledGuard.name, testsDisabledGuard],
  [placeholdersGuard.name, placeholdersGuard],
]);

/** What the guards concluded about one diff: it passes when no guard found anything. */
export interface GuardReport {
  passed: boolean;
  findings: GuardFinding[];
}

/** Run every registered guard on `diff` under `policy` (parse it with the GuardPolicy schema). */
export function runGuards(diff: ParsedDiff, policy: GuardPolicy): GuardReport {
  const findings = [...guards.values()].flatMap((guard) => guard.check(diff, policy));
  return { passed: findings.length === 0, findings };
}

/** Control characters (a newline in a file name) would break the one-line-per-finding format. */
function oneLine(text: string): string {
  return text.replace(/\p{Cc}+/gu, " ");
}

/**
 * The text the agent gets back: one line per finding, `file:line: [guard] message` (no `:line`
 * when the finding has none; only `[guard] message` for the whole diff). After `limit` lines the
 * rest is counted, not listed.
 */
export function formatGuardFindings(findings: readonly GuardFinding[], limit = 50): string {
  const lines = findings.slice(0, limit).map(({ guard, file, line, message }) => {
    const where = file === "" ? "" : `${oneLine(file)}${line === undefined ? "" : `:${line}`}: `;
    return `${where}[${guard}] ${oneLine(message)}`;
  });
  if (findings.length > limit) lines.push(`… and ${findings.length - limit} more scope-guard findings`);
  return lines.join("\n");
}
