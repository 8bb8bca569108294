// The `verify` section of a repository's `.slipway.yml`: checks it declares, which extend the
// detected ones (same name overrides) or replace them all.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { parseRepoConfigText } from "../config/repo-config-text.ts";
import { splitCommandLine } from "./command-line.ts";
import type { DetectDefaults } from "./ecosystem.ts";
import { inferParser } from "./infer-parser.ts";
import { outputParsers } from "./parsers/parser-registry.ts";
import type { VerifierCommand, VerifySpeed } from "./verifier.ts";

/** Where the repository's own configuration lives, in the order they are looked for. */
export const repoConfigFiles = [".slipway.yml", ".slipway.yaml"] as const;

const relativeDirectory = z
  .string()
  .refine((value) => !path.isAbsolute(value) && !path.normalize(value).split(path.sep).includes(".."), {
    message: "must be a directory inside the repository, relative to its root",
  });

export const DeclaredCheck = z
  .object({
    name: z
      .string()
      .regex(/^[\w.:@/-]+$/, "use letters, digits and . _ : @ / - only")
      .describe("the check's name in reports (a detected check of the same name is replaced by this one)"),
    run: z
      .string()
      .superRefine((value, context) => {
        try {
          splitCommandLine(value);
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message });
        }
      })
      .describe("the command line, split into arguments as a shell would but run without one"),
    cwd: relativeDirectory.default(".").describe("the folder it runs in, relative to the repository's root"),
    parser: z
      .string()
      .refine((value) => outputParsers.has(value), {
        message: `unknown parser; known parsers: ${[...outputParsers.keys()].join(", ")}`,
      })
      .optional()
      .describe(
        "the parser that reads its output (default: inferred from the tools the command names, `generic` when none is known)",
      ),
    speed: z
      .enum(["fast", "full", "both"])
      .default("both")
      .describe("fast: the agent's quick checks only; full: the gate only; both: either"),
    timeoutSeconds: z
      .number()
      .positive()
      .max(86_400)
      .optional()
      .describe("stop the check after this long (default: the platform's verify timeout)"),
  })
  .strict();
export type DeclaredCheck = z.infer<typeof DeclaredCheck>;

export const RepoVerifyConfig = z
  .object({
    replace: z
      .boolean()
      .default(false)
      .describe("true: run only the declared commands; false: add them to the detected and CI checks"),
    commands: z
      .array(DeclaredCheck)
      .default(() => [])
      .describe("checks the repository declares"),
    // Without it a repository where nothing is detected or declared never passes verification:
    // no checks would otherwise mean success, and the gate would pass a change nothing checked.
    none: z
      .boolean()
      .default(false)
      .describe("true: the repository has no checks, and verification with none passes"),
    fromCi: z
      .boolean()
      .default(true)
      .describe(
        "false: do not derive checks from the CI files (.github/workflows, .gitlab-ci.yml, tox.ini …)",
      ),
    skip: z
      .array(z.string().regex(/^[\w.:@/-]+$/, "use letters, digits and . _ : @ / - only"))
      .max(100)
      .default(() => [])
      .describe(
        "names of checks not to run, whether detected, derived from the CI or declared (one whose program is not available here, say)",
      ),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.none && config.commands.length > 0) {
      context.addIssue({
        code: "custom",
        path: ["none"],
        message: "none: true says the repository has no checks, but commands declares some; keep one",
      });
    }
    const seen = new Set<string>();
    config.commands.forEach((check, index) => {
      if (seen.has(check.name)) {
        context.addIssue({
          code: "custom",
          path: ["commands", index, "name"],
          message: `"${check.name}" is declared twice`,
        });
      }
      seen.add(check.name);
    });
  });
export type RepoVerifyConfig = z.infer<typeof RepoVerifyConfig>;

// Other top-level keys (guards, …) belong to other parts of Slipway, which validate them.
const RepoConfigFile = z.looseObject({ verify: RepoVerifyConfig.optional() });

/** A repository's `verify` settings and the file they came from. */
export interface LoadedRepoVerifyConfig {
  file: string;
  config: RepoVerifyConfig;
}

/** Parse the text of `file` (a `.slipway.yml`); undefined when it has no `verify` section. */
export function parseRepoVerifyConfig(file: string, text: string): LoadedRepoVerifyConfig | undefined {
  const config = parseRepoConfigText(file, text, RepoConfigFile).verify;
  return config ? { file, config } : undefined;
}

/**
 * Read the `verify` section of a directory's own `.slipway.yml` (for `slipway verify --repo`, where
 * the directory is the user's); undefined when there is none. A run never calls this on its
 * worktree: its settings come from the base commit.
 */
export async function loadRepoVerifyConfig(directory: string): Promise<LoadedRepoVerifyConfig | undefined> {
  const file = repoConfigFiles.find((name) => existsSync(path.join(directory, name)));
  if (!file) return undefined;
  return parseRepoVerifyConfig(file, await readFile(path.join(directory, file), "utf8"));
}

const speedsOf: Record<DeclaredCheck["speed"], VerifySpeed[]> = {
  fast: ["fast"],
  full: ["full"],
  both: ["fast", "full"],
};

/** The VerifierCommand a declared check stands for. */
export function declaredCommand(check: DeclaredCheck, defaults: DetectDefaults): VerifierCommand {
  const [command, ...args] = splitCommandLine(check.run);
  return {
    name: check.name,
    command: command!,
    args,
    cwd: check.cwd,
    parser: check.parser ?? inferParser(check.run),
    speeds: speedsOf[check.speed],
    timeoutMs:
      check.timeoutSeconds === undefined ? defaults.timeoutMs : Math.round(check.timeoutSeconds * 1000),
  };
}

/**
 * Declared checks on top of detected ones: same name overrides in place, new names append; the
 * names under `skip` are left out, whichever way they came.
 */
export function applyRepoConfig(
  detected: VerifierCommand[],
  config: RepoVerifyConfig,
  defaults: DetectDefaults,
): VerifierCommand[] {
  const declared = config.commands.map((check) => declaredCommand(check, defaults));
  if (config.replace) return declared.filter((command) => !config.skip.includes(command.name));
  const byName = new Map(declared.map((command) => [command.name, command]));
  const merged = detected.map((command) => byName.get(command.name) ?? command);
  const detectedNames = new Set(detected.map((command) => command.name));
  const skipped = new Set(config.skip);
  return [...merged, ...declared.filter((command) => !detectedNames.has(command.name))].filter(
    (command) => !skipped.has(command.name),
  );
}
