// The `setup` section of a repository's `.slipway.yml`: install commands that replace the detected
// ones, the names of the secret variables they need, and extra hosts they may reach.
import path from "node:path";
import { z } from "zod";
import { parseRepoConfigText } from "../config/repo-config-text.ts";
import { splitCommandLine } from "../verify/command-line.ts";
import type { SetupCommand } from "./setup-detector.ts";

const commandLine = z.string().superRefine((value, context) => {
  try {
    if (splitCommandLine(value).length === 0) context.addIssue({ code: "custom", message: "is empty" });
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
  }
});

const DeclaredSetupCommand = z.union([
  commandLine,
  z
    .object({
      run: commandLine,
      cwd: z
        .string()
        .refine((value) => !path.isAbsolute(value) && !path.normalize(value).split(path.sep).includes(".."), {
          message: "must be a directory inside the repository, relative to its root",
        })
        .default("."),
    })
    .strict(),
]);

/** A host name as the egress allowlist takes it: exact, or `*.example.com`. */
export const HostPattern = z
  .string()
  .regex(
    /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i,
    "expected a host name such as registry.example.com or *.example.com",
  );

/** An environment variable's name. */
export const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected a variable name such as NPM_TOKEN");

export const RepoSetupConfig = z
  .object({
    commands: z
      .array(DeclaredSetupCommand)
      .max(32)
      .optional()
      .describe(
        "install commands (a command line, or `{run, cwd}`) that replace the detected ones; run in the sandbox before the agent",
      ),
    env: z
      .array(EnvName)
      .max(32)
      .default(() => [])
      .describe(
        "names of secret variables the commands need (e.g. NPM_TOKEN); only those slipway.yaml's setup.secretEnv names are handed over, to setup only",
      ),
    allowHosts: z
      .array(HostPattern)
      .max(64)
      .default(() => [])
      .describe("hosts setup may reach besides the ecosystem's registries (exact, or `*.example.com`)"),
  })
  .strict();
export type RepoSetupConfig = z.infer<typeof RepoSetupConfig>;

/** A repository's `setup` settings and the file they came from. */
export interface LoadedRepoSetupConfig {
  file: string;
  /** The declared commands (undefined: use the detected ones). */
  commands: SetupCommand[] | undefined;
  env: string[];
  allowHosts: string[];
}

const RepoConfigFile = z.looseObject({ setup: RepoSetupConfig.optional() });

function toCommand(declared: z.infer<typeof DeclaredSetupCommand>): SetupCommand {
  const line = typeof declared === "string" ? declared : declared.run;
  const [command, ...args] = splitCommandLine(line);
  return { name: line, command: command!, args, cwd: typeof declared === "string" ? "." : declared.cwd };
}

/** Parse the `setup` section of `file`'s text; undefined when it has none. Errors name the file and key. */
export function parseRepoSetupConfig(file: string, text: string): LoadedRepoSetupConfig | undefined {
  const setup = parseRepoConfigText(file, text, RepoConfigFile).setup;
  if (!setup) return undefined;
  return { file, commands: setup.commands?.map(toCommand), env: setup.env, allowHosts: setup.allowHosts };
}
