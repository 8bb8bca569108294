// The contract of a setup detector: one folder per ecosystem looks at a worktree and says which
// commands install its dependencies, which hosts they need and which directories they produce.

/** One install command, run inside the setup sandbox. No shell: `command` is the program. */
export interface SetupCommand {
  /** Short name for the trace and the printout, e.g. `npm ci`. */
  name: string;
  command: string;
  args: string[];
  /** Directory to run in, relative to the worktree root. */
  cwd: string;
  /** Extra environment (never a secret: this is recorded in the trace). */
  env?: Record<string, string>;
}

/** What one ecosystem found: its commands, the hosts they need, and notes on why. */
export interface SetupDetection {
  ecosystem: string;
  commands: SetupCommand[];
  /** The package registries these commands download from (the setup sandbox's default allowlist). */
  allowHosts: string[];
  /**
   * Directories (relative to the worktree) the commands fill: what a warm snapshot would keep.
   * Empty when the ecosystem keeps its downloads outside the worktree (cargo, go, maven caches).
   */
  producedDirectories: string[];
  /** What was detected and why: for the trace and `slipway setup`, never for the model. */
  notes: string[];
}

/** Detects one ecosystem's install commands. Reads files only (through safe-fs); runs nothing. */
export interface SetupDetector {
  /** The folder name under src/setup/, e.g. `node`. */
  readonly name: string;
  /** True for a file name that marks a package folder of this ecosystem (`package.json`, `go.mod`). */
  isManifest(name: string): boolean;
  /**
   * The setup of the package in `directory` (relative to the worktree, "." for the root), with
   * commands run there and produced directories relative to the worktree; undefined when that
   * folder is no package of this ecosystem.
   */
  detect(worktree: string, directory: string): Promise<SetupDetection | undefined>;
  /**
   * Whether the package in `directory`, below a folder this ecosystem already installs, needs an
   * install of its own (its own lockfile, a separate Go module) rather than being a member the
   * outer install covers (an npm workspace package, a Maven module, a Cargo workspace member).
   */
  installsOnItsOwn(worktree: string, directory: string): Promise<boolean>;
}

/** `name` inside the package folder `directory` ("." is the worktree root). */
export function inFolder(directory: string, name: string): string {
  return directory === "." ? name : `${directory}/${name}`;
}

/** A command from its argv, named by the argv itself. */
export function setupCommand(argv: readonly [string, ...string[]], cwd = "."): SetupCommand {
  const [command, ...args] = argv;
  return { name: argv.join(" "), command, args, cwd };
}
