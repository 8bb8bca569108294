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
  // dash (`sh: 1: flake8: not found`) and bash (`bash: flake8: command not found`).
  /^(?:\S*sh): (?:line )?(?:\d+: )?(\S+): (?:command )?not found/m,
  /^(\S+): command not found/m,
];

/** Longest program name shown: the name comes from the check's output. */
const maxNameChars = 80;

/**
 * The program a check's run says is missing, or undefined when the run is not that. Only exit 127
 * counts: a test that prints "not found" and fails for another reason is a failure.
 */
export function missingProgram(output: string, exitCode: number | null): string | undefined {
  if (exitCode !== 127) return undefined;
  for (const pattern of patterns) {
    const name = pattern.exec(output)?.[1];
    if (name) return printableName(name);
  }
  return undefined;
}

function printableName(name: string): string {
  const clean = name.replace(/[^\w@%+=:,./-]/g, "?");
  return clean.length > maxNameChars ? `${clean.slice(0, maxNameChars - 1)}…` : clean;
}

/** The one line that says how to go on without a check that cannot run here. */
export function unavailableHint(check: string): string {
  return `install it in setup (.slipway.yml setup.commands), or declare a check named ${check} under verify.commands to run something else, or set verify.fromCi: false`;
}
