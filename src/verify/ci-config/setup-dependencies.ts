// What a CI job's install steps provide that later commands of the same job need: a rustup target,
// component or toolchain, an apt package's program. Those install steps are not run (setup does
// what lockfiles name, offline), so a command that needs what they would have added fails on a
// clean checkout whose CI passes; it is left out with a note instead.

/** One thing a dropped install step would have provided, and how to tell a command needs it. */
export interface Provided {
  /** The install command's text, for the note. */
  by: string;
  /** What it would provide (`target thumbv6m-none-eabi`), for the note. */
  what: string;
  needs(argv: string[]): boolean;
  /**
   * The program, when the command still runs if the project's .venv has it (a CI's `pip install
   * pytest` is often what setup installed too); undefined: it is needed in any case.
   */
  unlessInVenv?: string;
}

/** Words of an install command after its subcommand, options (and their values) left out. */
function operands(words: string[], withValue: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (withValue.has(word)) index++;
    else if (!word.startsWith("-") && !word.startsWith("+")) found.push(word);
  }
  return found;
}

/** The program of a command, past `sudo`/`env`-style wrappers it does not need to name. */
function program(argv: string[]): { tool: string; rest: string[] } {
  let index = 0;
  while (index < argv.length && /^(sudo|time|env|[A-Za-z_]\w*=.*)$/.test(argv[index]!)) index++;
  const tool = (argv[index] ?? "").split("/").pop() ?? "";
  return { tool, rest: argv.slice(index + 1) };
}

/** The cargo subcommand a rustup component adds (`clippy` → `cargo clippy`). */
const componentSubcommands: Record<string, string[]> = {
  clippy: ["clippy"],
  rustfmt: ["fmt"],
  miri: ["miri"],
  "llvm-tools": ["llvm-cov"],
  "llvm-tools-preview": ["llvm-cov"],
};

function targetNeeded(target: string): (argv: string[]) => boolean {
  return (argv) =>
    argv.some(
      (word, index) => word === `--target=${target}` || (word === "--target" && argv[index + 1] === target),
    );
}

function cargoSubcommand(argv: string[]): { tool: string; sub?: string } {
  const { tool, rest } = program(argv);
  return { tool, sub: rest.find((word) => !word.startsWith("+") && !word.startsWith("-")) };
}

function rustupProvides(text: string, rest: string[]): Provided[] {
  const options = new Set(["--toolchain", "--profile", "-c", "--component", "-t", "--target"]);
  const [area, action, ...tail] = operands(rest, options);
  const names =
    action === "add" || action === "install" ? tail : area === "install" ? [action ?? "", ...tail] : [];
  if (area === "target" && (action === "add" || action === "install"))
    return names.map((target) => ({ by: text, what: `target ${target}`, needs: targetNeeded(target) }));
  if (area === "component" && action === "add")
    return names.flatMap((component) => {
      const subs = componentSubcommands[component];
      if (!subs) return [];
      return [
        {
          by: text,
          what: `component ${component}`,
          needs: (argv: string[]) => {
            const { tool, sub } = cargoSubcommand(argv);
            return (
              (tool === "cargo" && sub !== undefined && subs.includes(sub)) ||
              tool === `cargo-${component}` ||
              tool === component
            );
          },
        },
      ];
    });
  const toolchains = area === "toolchain" || area === "install" ? names : [];
  return toolchains
    .filter((name) => name !== "")
    .map((name) => ({ by: text, what: `toolchain ${name}`, needs: (argv) => argv.includes(`+${name}`) }));
}

/** The program a command runs, `python -m X` read as X. */
function invoked(argv: string[]): { tool: string; rest: string[] } {
  const found = program(argv);
  if (/^python[0-9.]*$/.test(found.tool) && found.rest[0] === "-m" && found.rest[1])
    return { tool: found.rest[1], rest: found.rest.slice(2) };
  return found;
}

const pipOptionsWithValue = new Set([
  "-r",
  "--requirement",
  "-c",
  "--constraint",
  "-e",
  "--editable",
  "-i",
  "--index-url",
  "--extra-index-url",
  "-t",
  "--target",
  "--prefix",
  "-f",
  "--find-links",
]);

/** `pip install . coverage pytest-cov>=4`: the named packages (paths and requirement files left out). */
function pipProvides(text: string, rest: string[]): Provided[] {
  const names = operands(rest, pipOptionsWithValue)
    .filter((word) => word !== "install" && !/^[./]/.test(word) && !word.includes("/"))
    .map((word) => (word.split(/[<>=!~[;@\s]/)[0] ?? "").toLowerCase())
    .filter((name) => /^[a-z0-9][\w.-]*$/.test(name));
  return names.map((name) => ({
    by: text,
    what: `program ${name}`,
    needs: (later: string[]) => invoked(later).tool === name,
    unlessInVenv: name,
  }));
}

/** What an install command would provide that later commands may need (empty: nothing known). */
export function providedBy(text: string, argv: string[]): Provided[] {
  const { tool, rest } = invoked(argv);
  if (tool === "rustup") return rustupProvides(text, rest);
  if ((tool === "pip" || tool === "pip3") && rest.includes("install")) return pipProvides(text, rest);
  if ((tool === "apt-get" || tool === "apt") && rest.includes("install")) {
    const packages = operands(rest, new Set(["-o", "-t", "--target-release"])).filter(
      (word) => word !== "install",
    );
    // A package named like a program (valgrind, lcov, shellcheck) provides that program.
    return packages.map((name) => ({
      by: text,
      what: `program ${name}`,
      needs: (later: string[]) => program(later).tool === name,
    }));
  }
  return [];
}

/** The first dropped install step of the job that `argv` needs, if any. */
export function neededFrom(provided: readonly Provided[], argv: string[]): Provided | undefined {
  return provided.find((entry) => entry.needs(argv));
}
