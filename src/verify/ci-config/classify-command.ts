// Decides what one CI command is: a check (the project's own test/lint/type/format/build command),
// a setup step (installs belong to the setup stage), a step that needs network or secrets the gate
// does not have, or something else. Only checks are ever run; nothing unrecognised is.
import path from "node:path";
import { type CheckKind, commandNeedsServices, kindsOfTaskName, needsServices } from "./check-kind.ts";
import { repositoryScript } from "./repository-script.ts";

export type CommandRole =
  | {
      role: "check";
      kinds: CheckKind[];
      name: string;
      /** A package script it runs (its parser comes from the script's body). */
      script?: string;
      /** The script may run in other packages (`-r`, `--filter`, `--if-present`): not looked up here. */
      beyondPackage?: boolean;
    }
  | { role: "setup" | "network" | "other"; why: string }
  /** tox or nox: the commands are those of the named environments or sessions (empty: the defaults). */
  | { role: "expand"; runner: "tox" | "nox"; names: string[] };

const packageManagers = new Set(["npm", "pnpm", "yarn", "bun"]);
/** Package-manager subcommands that are not scripts. */
const managerBuiltins =
  /^(add|audit|cache|config|create|dedupe|dlx|exec|import|info|init|link|login|logout|outdated|pack|patch|plugin|prune|rebuild|remove|set|store|up|upgrade|version|why|workspaces?|x)$/;
const installs = /^(ci|i|install|fetch)$/;
const networkTools =
  /^(curl|wget|gh|hub|aws|gcloud|gsutil|az|kubectl|helm|terraform|docker|podman|buildah|codecov|coveralls|sonar-scanner|twine|vercel|netlify|firebase|ssh|scp|rsync|heroku|flyctl|wrangler|semantic-release|changeset)$/;
const setupTools =
  /^(apt|apt-get|brew|choco|yum|dnf|apk|rustup|corepack|nvm|pip|pip3|pipx|gem|bundle|composer|conda|mamba|micromamba|poetry|pdm|pipenv|uv|virtualenv|sdk|asdf|mise)$/;
/** Runners that only run another command: classify what follows them. */
const wrappers: Record<string, number> = { npx: 1, bunx: 1, sudo: 1, time: 1, xvfb_run: 1, "xvfb-run": 1 };
/** Tools by what they check. */
const toolKinds: Record<string, CheckKind[]> = {
  tsc: ["type"],
  "vue-tsc": ["type"],
  tsd: ["type"],
  mypy: ["type"],
  pyright: ["type"],
  eslint: ["lint"],
  oxlint: ["lint"],
  xo: ["lint"],
  standard: ["lint"],
  stylelint: ["lint"],
  flake8: ["lint"],
  pylint: ["lint"],
  "golangci-lint": ["lint"],
  staticcheck: ["lint"],
  shellcheck: ["lint"],
  vitest: ["test"],
  jest: ["test"],
  mocha: ["test"],
  ava: ["test"],
  tap: ["test"],
  c8: ["test"],
  nyc: ["test"],
  pytest: ["test"],
  "py.test": ["test"],
  unittest: ["test"],
  ctest: ["test"],
  "meson test": ["test"],
};

const other = (why: string): CommandRole => ({ role: "other", why });
/**
 * A check of `kinds`, unless its task name says it needs services the offline sandbox lacks.
 * `script` is set for a package script only (its parser comes from the script's body).
 */
function check(
  kinds: CheckKind[],
  name: string,
  script?: string,
  task = script,
  command?: string[],
): CommandRole {
  if (kinds.length === 0) return other(`${name} is not a check`);
  if ((task !== undefined && needsServices(task)) || (command !== undefined && commandNeedsServices(command)))
    return {
      role: "network",
      why: `${task ?? command?.join(" ")} likely needs the network or services; declare it in .slipway.yml to run it`,
    };
  return { role: "check", kinds, name, script };
}

/** Options that run a script in other packages, or not at all when it is missing. */
const workspaceOptions =
  /^(-r|--recursive|-F|--filter(=.*)?|-w|--workspace(=.*)?|-ws|--workspaces|--if-present)$/;

/** Options that take the next word as their value (`pnpm --filter web test`, `npm -w app test`). */
const valueOptions = new Set([
  "-F",
  "--filter",
  "-C",
  "--dir",
  "--cwd",
  "--prefix",
  "-w",
  "--workspace",
  "-p",
  "--package",
]);

/** The first argument that is not an option (nor an option's value), after `from`. */
function firstWord(argv: string[], from = 1): string | undefined {
  for (let index = from; index < argv.length; index++) {
    const word = argv[index]!;
    if (valueOptions.has(word)) index++;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

function classifyPackageManager(tool: string, argv: string[]): CommandRole {
  const sub = firstWord(argv);
  if (sub === undefined)
    return tool === "yarn" ? { role: "setup", why: "yarn installs" } : other(`bare ${tool}`);
  if (installs.test(sub) || sub === "add") return { role: "setup", why: `${tool} ${sub} installs` };
  if (sub === "publish" || sub === "audit" || sub === "login" || sub === "dlx")
    return { role: "network", why: `${tool} ${sub} needs the network` };
  if (sub === "exec" || sub === "x") return classifyCommand(argv.slice(argv.indexOf(sub) + 1));
  if ((tool === "bun" && sub === "test") || sub === "t") return check(["test"], "test", "test");
  if (managerBuiltins.test(sub)) return other(`${tool} ${sub} is not a check`);
  // pnpm, yarn and bun run a package's binary by name when no script has it (`pnpm tsc --noEmit`).
  if (tool !== "npm" && (toolKinds[sub] || /^(biome|prettier|gts|eslint|tsc)$/.test(sub)))
    return classifyCommand(argv.slice(argv.indexOf(sub)));
  const script = sub === "run" || sub === "run-script" ? firstWord(argv, argv.indexOf(sub) + 1) : sub;
  if (script === undefined) return other(`${tool} run names no script`);
  // The packages it runs in count too: `pnpm --filter @scope/integration test` needs services.
  const packages = flagValues(argv, ["-F", "--filter", "-w", "--workspace"]);
  const role = check(kindsOfTaskName(script), script, script, [script, ...packages].join(" "));
  const beyondPackage = argv.some((word) => workspaceOptions.test(word));
  return role.role === "check" && beyondPackage ? { ...role, beyondPackage } : role;
}

function classifyCargo(argv: string[]): CommandRole {
  const sub = firstWord(argv);
  if (sub === "test" || sub === "nextest") return check(["test"], `cargo-${sub}`);
  if (sub === "clippy") return check(["lint"], "cargo-clippy");
  if (sub === "fmt")
    return argv.includes("--check") ? check(["format"], "cargo-fmt") : other("cargo fmt rewrites files");
  if (sub === "check" || sub === "build" || sub === "doc") return check(["build"], `cargo-${sub}`);
  if (sub === "fetch" || sub === "install") return { role: "setup", why: `cargo ${sub} downloads` };
  if (sub === "publish" || sub === "login") return { role: "network", why: `cargo ${sub} needs the network` };
  return other(`cargo ${sub ?? ""} is not a check`);
}

function classifyGo(argv: string[]): CommandRole {
  const sub = firstWord(argv);
  if (sub === "test") return check(["test"], "go-test");
  if (sub === "vet") return check(["lint"], "go-vet");
  if (sub === "build") return check(["build"], "go-build");
  if (sub === "mod" || sub === "get" || sub === "install")
    return { role: "setup", why: `go ${sub} downloads` };
  return other(`go ${sub ?? ""} is not a check`);
}

function classifyBuildTool(tool: string, argv: string[]): CommandRole {
  const goals = argv.slice(1).filter((word) => !word.startsWith("-"));
  if (goals.some((goal) => /deploy|publish|release|upload/.test(goal)))
    return { role: "network", why: `${tool} ${goals.join(" ")} publishes` };
  if (goals.some((goal) => /go-offline|dependencies|resolve/.test(goal)))
    return { role: "setup", why: `${tool} ${goals.join(" ")} downloads` };
  const skipsTests = argv.some((word) => /skipTests|maven\.test\.skip|^-x$/.test(word));
  // A bare `mvn` runs the project's defaultGoal, which is what its CI means by it.
  const tests =
    (tool === "mvn" && goals.length === 0) ||
    goals.some((goal) => /^(test|verify|install|check|build|integration-test)$/.test(goal));
  if (tests && !skipsTests) return check(["test", "build"], [tool, ...goals].join("-"));
  if (goals.some((goal) => /compile|package|assemble|classes|build|install|verify/.test(goal)))
    return check(["build"], `${tool}-${goals.join("-")}`);
  return other(`${tool} ${goals.join(" ")} is not a check`);
}

function classifyPythonTool(tool: string, argv: string[]): CommandRole {
  const sub = firstWord(argv);
  if (tool === "ruff") {
    if (sub === "format")
      return argv.includes("--check")
        ? check(["format"], "ruff-format")
        : other("ruff format rewrites files");
    return argv.includes("--fix") ? other("ruff --fix rewrites files") : check(["lint"], "ruff");
  }
  if (tool === "black" || tool === "isort")
    return argv.some((word) => /^--check/.test(word))
      ? check(["format"], tool)
      : other(`${tool} rewrites files`);
  if (tool === "coverage")
    return sub === "run" ? check(["test"], "coverage") : other(`coverage ${sub ?? ""} reports`);
  return other(`${tool} is not a check`);
}

/** The values of `flags` in argv (`-e a,b`, `--session=x`), comma lists split. */
function flagValues(argv: string[], flags: string[]): string[] {
  const values: string[] = [];
  argv.forEach((word, index) => {
    const [flag, inline] = word.split(/=(.*)/s);
    if (!flags.includes(flag!)) return;
    const value = inline ?? argv[index + 1];
    if (value !== undefined) values.push(...value.split(",").filter(Boolean));
  });
  return values;
}

/** turbo or nx: a check when every task it runs is one (`turbo run lint test`, `nx run-many -t test`). */
function classifyTaskRunner(tool: string, argv: string[]): CommandRole {
  const words = argv.slice(1).filter((word) => !word.startsWith("-"));
  let tasks: string[];
  if (tool === "turbo") tasks = words[0] === "run" ? words.slice(1) : words;
  else if (words[0] === "run") tasks = words.slice(1, 2).map((target) => target.split(":").pop() ?? "");
  else if (words[0] === "run-many" || words[0] === "affected")
    tasks = flagValues(argv, ["-t", "--target", "--targets"]);
  else tasks = words.slice(0, 1);
  const kinds = tasks.map(kindsOfTaskName);
  if (tasks.length === 0 || kinds.some((found) => found.length === 0))
    return other(`${tool} ${tasks.join(" ")} runs a task that is not a check`);
  return check([...new Set(kinds.flat())], `${tool}-${tasks.join("-")}`, undefined, tasks.join(" "));
}

/** What `argv` (one plain command of a CI step) is. */
export function classifyCommand(argv: string[]): CommandRole {
  const first = argv[0];
  if (first === undefined) return other("empty");
  const tool = path.posix.basename(first);
  const skip = wrappers[tool];
  if (skip !== undefined) return classifyCommand(argv.slice(skip));
  if (/^python[0-9.]*$/.test(tool) && argv[1] === "-m") return classifyCommand(argv.slice(2));
  if (/^(uv|poetry|pdm|pipenv|hatch|rye)$/.test(tool) && argv[1] === "run") {
    // `uv run --locked --with x tox …`: the options before the command (and their values) go.
    let index = 2;
    while (argv[index]?.startsWith("-"))
      index += /^--(with|extra|group|only-group|python|package|project|directory|env-file|index)$/.test(
        argv[index]!,
      )
        ? 2
        : 1;
    return classifyCommand(argv.slice(index));
  }
  if (packageManagers.has(tool)) return classifyPackageManager(tool, argv);
  if (tool === "tox") return { role: "expand", runner: "tox", names: flagValues(argv, ["-e", "--env"]) };
  if (tool === "nox")
    return { role: "expand", runner: "nox", names: flagValues(argv, ["-s", "--session", "--sessions"]) };
  if (tool === "turbo" || tool === "nx") return classifyTaskRunner(tool, argv);
  if (tool === "cargo") return classifyCargo(argv);
  if (tool === "go") return classifyGo(argv);
  if (/^(mvn|mvnw|gradle|gradlew)$/.test(tool)) return classifyBuildTool(tool.replace(/w$/, ""), argv);
  if (/^(ruff|black|isort|coverage)$/.test(tool)) return classifyPythonTool(tool, argv);
  if (tool === "node" && argv.includes("--test")) return check(["test"], "node-test");
  const script = repositoryScript(argv);
  // The path, not only the name, says whether it needs services (`integration/test.sh`).
  if (script) return check(script.kinds, script.name, undefined, script.name);
  if (tool === "make") {
    const target = firstWord(argv) ?? "all";
    return check(kindsOfTaskName(target), `make-${target}`, undefined, target);
  }
  if (tool === "git" && argv[1] === "push") return { role: "network", why: "git push needs the network" };
  if (networkTools.test(tool)) return { role: "network", why: `${tool} needs the network or credentials` };
  if (setupTools.test(tool)) return { role: "setup", why: `${tool} installs` };
  if (tool === "biome") return check(argv.includes("format") ? ["format"] : ["lint", "format"], "biome");
  if (tool === "prettier")
    return argv.some((word) => /^(--check|-c|--list-different|-l)$/.test(word))
      ? check(["format"], "prettier")
      : other("prettier rewrites files");
  if (tool === "gts")
    return check(firstWord(argv) === "check" || firstWord(argv) === "lint" ? ["lint"] : [], "gts");
  if (tool === "cmake")
    return argv.includes("--build") || argv.includes("-B") || argv.includes("-S")
      ? check(["build"], "cmake")
      : other("cmake");
  const kinds = toolKinds[tool];
  // `pytest tests/integration`, `pytest --codspeed bench/`: the arguments say what it needs.
  return kinds ? check(kinds, tool, undefined, undefined, argv) : other(`${tool} is not a known check`);
}
