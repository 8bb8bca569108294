// Detects a Node project's checks: the package.json scripts typecheck, lint, test and build, run
// with its package manager, and `tsc --noEmit` when there is a tsconfig.json but no typecheck script.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { DetectDefaults, EcosystemDetection, EcosystemDetector } from "../ecosystem.ts";
import { inferParser } from "../infer-parser.ts";
import type { VerifierCommand, VerifySpeed } from "../verifier.ts";
import { detectPackageManager, scriptCommand } from "./package-manager.ts";

/**
 * The scripts that become checks, in the order they run, and their speeds. Typecheck, lint and
 * test are what the agent needs while it works (fast) and what the gate needs (full); a build is
 * slow and rarely fails when typecheck and tests pass, so it runs only in the gate.
 */
const scriptSpeeds: readonly { script: string; speeds: VerifySpeed[] }[] = [
  { script: "typecheck", speeds: ["fast", "full"] },
  { script: "lint", speeds: ["fast", "full"] },
  { script: "test", speeds: ["fast", "full"] },
  { script: "build", speeds: ["full"] },
];

const PackageJson = z.object({
  scripts: z.record(z.string(), z.unknown()).optional(),
  packageManager: z.unknown().optional(),
});
type PackageJson = z.infer<typeof PackageJson>;

/** npm init's placeholder test script: it always fails and tests nothing. */
const placeholderTest = /no test specified/;

async function readPackageJson(file: string): Promise<{ json?: PackageJson; problem?: string }> {
  try {
    const parsed = PackageJson.safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success ? { json: parsed.data } : { problem: "its top level is not an object" };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** A check that fails with node's own parse error, so a broken package.json cannot pass the gate. */
function packageJsonCheck(defaults: DetectDefaults): VerifierCommand {
  const script = 'JSON.parse(require("node:fs").readFileSync("package.json", "utf8"))';
  return {
    name: "package.json",
    command: "node",
    args: ["-e", script],
    cwd: ".",
    parser: "generic",
    speeds: ["fast", "full"],
    timeoutMs: defaults.timeoutMs,
  };
}

function typecheckWithTsc(
  worktree: string,
  defaults: DetectDefaults,
  notes: string[],
): VerifierCommand | undefined {
  const tsc = path.join("node_modules", ".bin", "tsc");
  if (!existsSync(path.join(worktree, tsc))) {
    notes.push(
      "node: tsconfig.json found but node_modules/.bin/tsc is missing (dependencies not installed?), so no typecheck",
    );
    return undefined;
  }
  notes.push("node: typecheck runs node_modules/.bin/tsc --noEmit (tsconfig.json, no typecheck script)");
  const speeds: VerifySpeed[] = ["fast", "full"];
  return {
    name: "typecheck",
    command: tsc,
    args: ["--noEmit"],
    cwd: ".",
    parser: "tsc",
    speeds,
    timeoutMs: defaults.timeoutMs,
  };
}

async function detectNode(
  worktree: string,
  defaults: DetectDefaults,
): Promise<EcosystemDetection | undefined> {
  const manifest = path.join(worktree, "package.json");
  if (!existsSync(manifest)) return undefined;
  const { json, problem } = await readPackageJson(manifest);
  if (!json) {
    return {
      commands: [packageJsonCheck(defaults)],
      notes: [`node: package.json cannot be read: ${problem}`],
    };
  }
  const packageManagerField = typeof json.packageManager === "string" ? json.packageManager : undefined;
  const { manager, reason } = detectPackageManager(worktree, packageManagerField);
  const notes = [`node: scripts run with ${manager} (${reason})`];
  const commands: VerifierCommand[] = [];
  for (const { script, speeds } of scriptSpeeds) {
    const body = json.scripts?.[script];
    if (
      script === "typecheck" &&
      typeof body !== "string" &&
      existsSync(path.join(worktree, "tsconfig.json"))
    ) {
      const tsc = typecheckWithTsc(worktree, defaults, notes);
      if (tsc) commands.push(tsc);
      continue;
    }
    if (typeof body !== "string" || body.trim() === "") continue;
    if (script === "test" && placeholderTest.test(body)) {
      notes.push("node: the test script is npm's placeholder, so no test check");
      continue;
    }
    const parser = script === "typecheck" ? "tsc" : inferParser(body);
    const { command, args } = scriptCommand(manager, script);
    commands.push({ name: script, command, args, cwd: ".", parser, speeds, timeoutMs: defaults.timeoutMs });
  }
  return { commands, notes };
}

export const nodeDetector: EcosystemDetector = {
  name: "node",
  detect: detectNode,
};
