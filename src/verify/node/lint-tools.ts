// ESLint and Biome as checks of their own, for a project that configures them but has no script
// that runs them: the configuration files that reveal each tool and the command Slipway runs.
import path from "node:path";
import { z } from "zod";
import { entryKindInside, readRegularFileInside } from "../../workspace/safe-fs.ts";
import type { DetectDefaults } from "../ecosystem.ts";
import type { VerifierCommand } from "../verifier.ts";
import { findLocalBin } from "./local-bin.ts";

/** A linter Slipway can run itself when the repository configures it. */
export interface LintTool {
  /** The check's name, the executable in node_modules/.bin and the parser that reads it. */
  name: "eslint" | "biome";
  /** Any of these files in a directory configures the tool for it. */
  configFiles: readonly string[];
  /** Arguments asking for output the parser reads exactly. */
  args: readonly string[];
}

const eslintFlatConfigs = ["js", "mjs", "cjs", "ts", "mts", "cts"].map((ext) => `eslint.config.${ext}`);
const eslintLegacyConfigs = [
  ".eslintrc",
  ".eslintrc.js",
  ".eslintrc.cjs",
  ".eslintrc.json",
  ".eslintrc.yaml",
  ".eslintrc.yml",
];

export const lintTools: readonly LintTool[] = [
  {
    name: "eslint",
    configFiles: [...eslintFlatConfigs, ...eslintLegacyConfigs],
    // stylish, ESLint's default: one line per problem; `--format json` would embed every file's source.
    args: ["."],
  },
  {
    name: "biome",
    configFiles: ["biome.json", "biome.jsonc"],
    // One `::error title=rule,file=…,line=…::message` line per diagnostic; `check` never writes.
    args: ["check", "--reporter=github"],
  },
];

/** The first config file of `tool` in `directory` (relative to the worktree), if any. */
export async function lintConfigIn(
  worktree: string,
  directory: string,
  tool: LintTool,
): Promise<string | undefined> {
  for (const file of tool.configFiles) {
    if ((await entryKindInside(worktree, path.join(directory, file))) === "file") return file;
  }
  return undefined;
}

const EslintPackage = z.object({ version: z.string() });

/** The major version of the eslint package next to the bin, when it can be read. */
async function eslintMajor(worktree: string, nodeModules: string): Promise<number | undefined> {
  try {
    const file = path.join(nodeModules, "eslint", "package.json");
    const bytes = await readRegularFileInside(worktree, file, { maxBytes: 1024 * 1024 });
    const parsed = EslintPackage.safeParse(JSON.parse(bytes.toString("utf8")));
    return parsed.success ? Number.parseInt(parsed.data.version, 10) : undefined;
  } catch {
    // No readable package.json (or a link, as pnpm lays it out): the version is unknown, and the check runs as configured.
    return undefined;
  }
}

export interface LintToolRequest {
  worktree: string;
  /** The package's directory, relative to the worktree. */
  directory: string;
  tool: LintTool;
  configFile: string;
  /** Prefix of the check's name: "" at the root, "packages/web:" in a workspace package. */
  prefix: string;
  defaults: DetectDefaults;
}

/** The check running `tool` in `directory`, or a note saying why there is none. */
export async function lintToolCheck(
  request: LintToolRequest,
): Promise<{ command?: VerifierCommand; note: string }> {
  const { worktree, directory, tool, configFile, prefix, defaults } = request;
  const where = directory === "." ? "" : ` in ${directory}`;
  const bin = await findLocalBin(worktree, directory, tool.name);
  if (!bin) {
    return {
      note: `node: ${configFile}${where} configures ${tool.name} but node_modules/.bin/${tool.name} is missing (dependencies not installed?), so no ${tool.name} check`,
    };
  }
  const legacy = !eslintFlatConfigs.includes(configFile) && tool.name === "eslint";
  const major = legacy ? await eslintMajor(worktree, bin.nodeModules) : undefined;
  if (major !== undefined && major >= 9) {
    return {
      note: `node: ${configFile}${where} is a legacy ESLint config that ESLint ${major} does not read, so no eslint check`,
    };
  }
  const command: VerifierCommand = {
    name: `${prefix}${tool.name}`,
    command: bin.command,
    args: [...tool.args],
    cwd: directory,
    parser: tool.name,
    speeds: ["fast", "full"],
    timeoutMs: defaults.timeoutMs,
  };
  const runs = [bin.command, ...tool.args].join(" ");
  return {
    command,
    note: `node: ${prefix}${tool.name} runs ${runs}${where} (${configFile}, no script runs it)`,
  };
}
