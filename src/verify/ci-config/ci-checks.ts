// Derives checks from a repository's CI files: the `run:`/`script:` steps of GitHub Actions and
// GitLab CI (tox and nox environments they call expanded), else the check tasks of tox.ini,
// noxfile.py, turbo.json and nx.json. Each command is classified; only checks become commands,
// and every skipped step (setup, network, secrets, shell syntax) is reported in the notes.
import type { DetectDefaults } from "../ecosystem.ts";
import { inferParserOrAuto } from "../infer-parser.ts";
import type { VerifierCommand } from "../verifier.ts";
import type { CheckKind } from "./check-kind.ts";
import type { CiFile, CiFiles, CiStep, CiSteps } from "./ci-file.ts";
import { type CommandRole, classifyCommand } from "./classify-command.ts";
import { workflowSteps } from "./github-workflows.ts";
import { gitlabSteps } from "./gitlab-ci.ts";
import { noxSessions, noxSteps } from "./noxfile.ts";
import { projectProgram } from "./project-programs.ts";
import { type BlockCommand, splitRunBlock } from "./run-block.ts";
import { neededFrom, type Provided, providedBy } from "./setup-dependencies.ts";
import { insideDirectory, maxNotes, passedVariables, printable, uniqueName } from "./step-command.ts";
import { toxEnvironments, toxSteps } from "./tox-ini.ts";
import { taskRunnerSteps } from "./turbo-tasks.ts";

/** A check derived from CI, with the kinds of check it covers. */
export interface CiCheck {
  command: VerifierCommand;
  kinds: CheckKind[];
  /** Where in the CI files it came from. */
  source: string;
}

export interface CiDerivation {
  checks: CiCheck[];
  notes: string[];
}

/** What derivation reads of the checkout (the worktree: the CI's commands run there). */
export interface CheckoutFiles {
  /**
   * The body of `script` in `cwd`'s package.json; null when that package.json has no such script;
   * undefined when there is no readable package.json there.
   */
  scriptBody(cwd: string, script: string): Promise<string | null | undefined>;
  /** True when `cwd` is a directory of the checkout (not a link, not missing). */
  isDirectory(cwd: string): Promise<boolean>;
  /**
   * The launcher of the pinned package manager `manager` that setup wrote for `cwd` (a path
   * relative to `cwd`), or undefined when there is none and the manager on PATH runs.
   */
  pinnedLauncher?(cwd: string, manager: string): Promise<string | undefined>;
  /** `.venv/bin/<program>` of the project (relative to `cwd`), when setup or the user made one. */
  venvProgram?(cwd: string, program: string): Promise<string | undefined>;
}

type CheckRole = Extract<CommandRole, { role: "check" }>;

/** Checks derived at most; more is a generated CI file, not a project's own checks. */
const maxChecks = 30;
interface Derivation {
  files: { tox?: CiFile; nox?: CiFile };
  tox?: ReturnType<typeof toxEnvironments>;
  nox?: ReturnType<typeof noxSessions>;
  defaults: DetectDefaults;
  checkout: CheckoutFiles;
  checks: CiCheck[];
  notes: string[];
  setup: Set<string>;
  other: Set<string>;
  /** Keys of the commands already derived (a command in several jobs or workflows is one check). */
  seen: Set<string>;
  /** Jobs in which a build has run: later checks there need it, so they run at the gate only. */
  builtJobs: Set<string>;
  /** By job: what its install steps (not run) would have provided, which later commands may need. */
  provided: Map<string, Provided[]>;
}

/** Why a check cannot run in the sandbox as the CI runs it, or undefined when it can. */
async function obstacle(
  state: Derivation,
  step: CiStep,
  role: CheckRole,
  cwd: string,
): Promise<string | undefined> {
  if (step.services.length > 0 && role.kinds.includes("test"))
    return `its job starts services (${step.services.join(", ")}) that the sandbox does not have`;
  if (cwd !== "." && !(await state.checkout.isDirectory(cwd)))
    return `it runs in ${cwd}, which the checkout does not have (the CI makes it)`;
  if (role.script === undefined || role.beyondPackage) return undefined;
  const body = await state.checkout.scriptBody(cwd, role.script);
  return body === null ? `${cwd}/package.json has no ${role.script} script` : undefined;
}

async function addCheck(state: Derivation, step: CiStep, command: BlockCommand, role: CheckRole) {
  const { kinds, name, script } = role;
  const cwd = insideDirectory(command.cwd);
  if (cwd === undefined) {
    state.notes.push(
      `ci: ${step.source}: ${command.text} runs in ${command.cwd}, outside the repository; not derived`,
    );
    return;
  }
  const blocked = await obstacle(state, step, role, cwd);
  if (blocked !== undefined) {
    state.notes.push(`ci: ${step.source}: \`${command.text}\` is not run: ${blocked}`);
    return;
  }
  const env = passedVariables(command.env);
  const program = await projectProgram(state.checkout, cwd, command.argv);
  const argv =
    env.length > 0 ? ["env", ...env.map(([key, value]) => `${key}=${value}`), ...program] : program;
  // One package script is one check, whichever manager the workflows run it with (npm, pnpm, yarn jobs).
  const key =
    script !== undefined && !role.beyondPackage
      ? JSON.stringify([cwd, `script:${script}`])
      : JSON.stringify([cwd, argv]);
  if (state.seen.has(key)) return;
  state.seen.add(key);
  if (state.checks.length >= maxChecks) {
    state.notes.push(`ci: more than ${maxChecks} checks derived; ${command.text} and later ones left out`);
    return;
  }
  const built = state.builtJobs.has(step.job);
  if (kinds.includes("build")) state.builtJobs.add(step.job);
  const prefix = cwd === "." ? "" : `${cwd}:`;
  state.checks.push({
    command: {
      name: uniqueName(
        `${prefix}${name}`.replace(/[^\w.:@/-]/g, "-"),
        state.checks.map((check) => check.command.name),
      ),
      command: argv[0]!,
      args: argv.slice(1),
      cwd,
      parser: inferParserOrAuto(
        (script !== undefined && (await state.checkout.scriptBody(cwd, script))) || command.argv.join(" "),
      ),
      // A build is slow and later checks of its job may need its output: the gate runs them.
      speeds: built || kinds.includes("build") ? ["full"] : ["fast", "full"],
      timeoutMs: state.defaults.timeoutMs,
      job: step.job,
    },
    kinds,
    source: step.source,
  });
}

async function deriveStep(state: Derivation, step: CiStep, depth: number): Promise<void> {
  const block = splitRunBlock(step.run, step.cwd, step.env);
  for (const { text, reason } of block.skipped) {
    state.notes.push(`ci: ${step.source}: \`${text.slice(0, 80)}\` is not derived: ${reason}`);
  }
  for (const command of block.commands) {
    const role = classifyCommand(command.argv);
    const needed = role.role === "check" ? await neededHere(state, step, command) : undefined;
    if (needed) {
      state.notes.push(
        `ci: ${step.source}: \`${command.text}\` is not run: it needs the ${needed.what} that \`${needed.by}\` installs, which is not run`,
      );
    } else if (role.role === "check") await addCheck(state, step, command, role);
    else if (role.role === "expand") await expandRunner(state, step, role.runner, role.names, depth);
    else if (role.role === "setup") {
      state.setup.add(command.text);
      const provided = providedBy(command.text, command.argv);
      if (provided.length > 0)
        state.provided.set(step.job, [...(state.provided.get(step.job) ?? []), ...provided]);
    } else if (role.role === "network")
      state.notes.push(`ci: ${step.source}: \`${command.text}\` is not run: ${role.why}`);
    else state.other.add(command.argv.slice(0, 2).join(" "));
  }
}

/** A CI step that runs tox or nox: the commands of the environments it names, read from their file. */
async function expandRunner(
  state: Derivation,
  step: CiStep,
  runner: "tox" | "nox",
  names: string[],
  depth: number,
) {
  const file = state.files[runner];
  if (!file || depth > 0) {
    state.notes.push(
      `ci: ${step.source}: ${runner} runs, but ${runner === "tox" ? "tox.ini" : "noxfile.py"} is not read; not derived`,
    );
    return;
  }
  // The CI's TOXENV / NOXSESSION pick the environments as `-e` / `-s` would; never the whole envlist.
  const chosen =
    names.length > 0 ? names : selectedByEnv(state, step, runner === "tox" ? "TOXENV" : "NOXSESSION");
  const steps = runner === "tox" ? toxSteps(file, state.tox!, chosen) : noxSteps(file, state.nox!, chosen);
  for (const expanded of steps) await deriveStep(state, expanded, depth + 1);
}

/**
 * The dropped install step of the job that `command` needs; a pip-installed program only when the
 * project has a .venv that lacks it.
 */
async function neededHere(
  state: Derivation,
  step: CiStep,
  command: BlockCommand,
): Promise<Provided | undefined> {
  const needed = neededFrom(state.provided.get(step.job) ?? [], command.argv);
  const cwd = insideDirectory(command.cwd);
  if (needed?.unlessInVenv === undefined || cwd === undefined || !state.checkout.venvProgram) return needed;
  // No .venv: the machine's own Python runs it, which may have it; if not, it says "not available here".
  const venv = state.checkout.venvProgram;
  if ((await venv(cwd, "python")) === undefined) return undefined;
  return (await venv(cwd, needed.unlessInVenv)) === undefined ? needed : undefined;
}

/** The environments a job's or step's variable names (comma-separated), or none: the defaults. */
function selectedByEnv(state: Derivation, step: CiStep, variable: string): string[] {
  const value = step.env[variable];
  if (value === undefined) return [];
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0 || names.some((name) => !/^[\w.-]+$/.test(name))) {
    state.notes.push(
      `ci: ${step.source}: ${variable} is not a literal list of names; the defaults are derived`,
    );
    return [];
  }
  return names;
}

function summarise(state: Derivation): void {
  const list = (values: Set<string>) => [...values].slice(0, 12).join(", ") + (values.size > 12 ? ", …" : "");
  if (state.setup.size > 0)
    state.notes.push(`ci: install steps are left to the setup stage: ${list(state.setup)}`);
  if (state.other.size > 0)
    state.notes.push(`ci: commands that are not checks are not run: ${list(state.other)}`);
}

/**
 * The checks a repository's CI runs, derived from `ciFiles` (read by the caller: at the base
 * commit for a run). Nothing is executed here; `checkout` gives package scripts' bodies
 * (a check's parser comes from the script it runs), which exist, and which directories.
 */
export async function deriveCiChecks(
  ciFiles: CiFiles,
  defaults: DetectDefaults,
  checkout: CheckoutFiles,
): Promise<CiDerivation> {
  const byPath = (name: string) => ciFiles.files.find((file) => file.path === name);
  const files = { tox: byPath("tox.ini"), nox: byPath("noxfile.py") };
  const state: Derivation = {
    files,
    tox: files.tox && toxEnvironments(files.tox),
    nox: files.nox && noxSessions(files.nox),
    defaults,
    checkout,
    checks: [],
    notes: [...ciFiles.notes],
    setup: new Set(),
    other: new Set(),
    builtJobs: new Set(),
    seen: new Set(),
    provided: new Map(),
  };
  state.notes.push(...(state.tox?.notes ?? []), ...(state.nox?.notes ?? []));
  const runners = [
    ...githubSteps(ciFiles.files),
    ...ciFiles.files.filter((file) => file.path === ".gitlab-ci.yml").map(gitlabSteps),
  ];
  for (const { steps, notes } of runners) {
    state.notes.push(...notes);
    for (const step of steps) await deriveStep(state, step, 0);
  }
  if (state.checks.length === 0) await deriveFromTaskRunners(state, ciFiles);
  summarise(state);
  return { checks: state.checks, notes: state.notes.slice(0, maxNotes).map(printable) };
}

/**
 * The steps of every workflow; a reusable workflow that a CI workflow calls is read as CI too (one
 * level: what it calls in turn is noted, not followed).
 */
function githubSteps(files: CiFile[]): CiSteps[] {
  const workflows = files.filter((file) => file.path.startsWith(".github/"));
  const read = new Map(workflows.map((file) => [file.path, workflowSteps(file)]));
  const called = new Set([...read.values()].flatMap((steps) => steps.calls ?? []));
  for (const file of workflows) {
    if (called.has(file.path)) read.set(file.path, workflowSteps(file, true));
  }
  return [...read.values()];
}

/** No CI file gave a check: the task runners' own check tasks (tox envlist, nox defaults, turbo/nx). */
async function deriveFromTaskRunners(state: Derivation, ciFiles: CiFiles): Promise<void> {
  const steps: CiStep[] = [];
  if (state.files.tox) steps.push(...toxSteps(state.files.tox, state.tox!, []));
  if (state.files.nox) steps.push(...noxSteps(state.files.nox, state.nox!, []));
  for (const file of ciFiles.files.filter(
    (entry) => entry.path === "turbo.json" || entry.path === "nx.json",
  )) {
    const found = taskRunnerSteps(file);
    state.notes.push(...found.notes);
    steps.push(...found.steps);
  }
  for (const step of steps) await deriveStep(state, step, 1);
}
