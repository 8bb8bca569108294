// Recognises a check that could not run because a program it needs is not installed here (exit
// 127: the sandbox could not start it, or a shell or `env` inside found no such command). That is
// not a failure of the change: it is said as such, with how to drop the check, and still fails.

/** Ways a missing program is said, each capturing the program's name. */
const patterns: RegExp[] = [
  // The sandbox's own spawn (bwrap's command server, the none backend).
  /^could not start (\S+): spawn \S+ ENOENT/m,
  // docker exec.
  /exec: "([^"]+)": executable file not found in \$PATH/m,
  /^bwrap: execvp (\S+): No such file or directory/m,
  /^env: ['‘]?([^'’:\s]+)['’]?: No such file or directory/m,
  // dash (`sh: 1: flake8: not found`, `sh: 1: exec: flake8: not found` from the docker backend's
  // wrapper script) and bash (`bash: flake8: command not found`).
  /^(?:\S*sh): (?:line )?(?:\d+: )?(?:exec: )?(\S+): (?:command )?not found/m,
  /^(\S+): command not found/m,
  // Any wrapper script that ends in `exec "$@"`, whatever its $0.
  /^\S+: (?:line )?(?:\d+: )?exec: (\S+): not found/m,
];

/** Longest program name shown: the name comes from the check's output. */
const maxNameChars = 80;

/**
 * The program a check's run says is missing, or undefined when the run is not that. Only exit 127
 * counts: a test that prints "not found" and fails for another reason is a failure.
 */
export function missingProgram(output: string, exitCode: number | null): string | undefined {
  const toolchain = missingRustToolchain(output, exitCode);
  if (toolchain !== undefined) return toolchain;
  if (exitCode !== 127) return undefined;
  for (const pattern of patterns) {
    const name = pattern.exec(output)?.[1];
    if (name) return printableName(name);
  }
  return undefined;
}

/**
 * A rust-toolchain file pins a toolchain (or a component or target of one) this machine has not
 * installed: rustup's proxy starts installing it before running cargo, and the first thing that
 * fails is a temp file in the read-only $RUSTUP_HOME/tmp. A writable tmp would not help: the
 * install needs the network and writes the toolchains folder, which no sandbox may change.
 */
function missingRustToolchain(output: string, exitCode: number | null): string | undefined {
  if (exitCode === 0 || exitCode === null) return undefined;
  const syncing = /^info: syncing channel updates for '?([^'\s]+)'?/m.exec(output);
  if (!syncing) return undefined;
  if (
    !/^error: (could not create temp file|could not download|failed to install|could not rename|.*Read-only file system)/m.test(
      output,
    )
  )
    return undefined;
  return `Rust toolchain ${printableName(syncing[1]!)} (pinned by rust-toolchain.toml or rust-toolchain, not installed)`;
}

function printableName(name: string): string {
  const clean = name.replace(/[^\w@%+=:,./-]/g, "?");
  return clean.length > maxNameChars ? `${clean.slice(0, maxNameChars - 1)}…` : clean;
}

/** The one line that says how to go on without a check that cannot run here. */
export function unavailableHint(check: string, program: string): string {
  const install = program.startsWith("Rust toolchain ")
    ? "install that toolchain on this machine (rustup toolchain install; sandboxes never write it)"
    : "install it in setup (.slipway.yml setup.commands) or on this machine";
  return `${install}, or skip the check in .slipway.yml (verify: { skip: [${check}] })`;
}
