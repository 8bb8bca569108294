// Reads a GitHub Actions workflow's jobs into command steps: `run:` texts with the job's picked
// matrix values, literal environment and working directory. Action steps (`uses:`), reusable
// workflows, other shells and non-Linux jobs are skipped and reported, never run.

import { type CiFile, type CiSteps, maxEnvVariables, maxStepsPerFile, tooManyVariables } from "./ci-file.ts";
import { asRecord, parseCiYaml, scalarText } from "./ci-yaml.ts";
import { mayRun } from "./workflow-condition.ts";
import { type ExpressionScope, resolveExpressions } from "./workflow-expressions.ts";
import { matrixCombinations, matrixProblem, pickCombination } from "./workflow-matrix.ts";

/** Jobs read from one workflow at most. */
const maxJobs = 100;

/** The job's matrix combination to run, with a note saying which; or why it cannot be known. */
function pickMatrix(
  job: Record<string, unknown>,
): { matrix: Record<string, string>; note?: string } | { problem: string } {
  const strategy = asRecord(job.strategy);
  if (strategy?.matrix === undefined) return { matrix: {} };
  const matrix = asRecord(strategy.matrix);
  if (!matrix) return { problem: "its matrix is an expression" };
  const tooLarge = matrixProblem(matrix);
  if (tooLarge) return { problem: tooLarge };
  const runsOn = (combination: Record<string, string>) => {
    const resolved = resolveExpressions(JSON.stringify(job["runs-on"] ?? ""), {
      matrix: combination,
      env: {},
    });
    return "text" in resolved ? resolved.text : "";
  };
  const picked = pickCombination(matrixCombinations(matrix), runsOn) ?? {};
  const shown = Object.entries(picked).map(([axis, value]) => `${axis}=${value}`);
  return {
    matrix: picked,
    note: shown.length > 0 ? `matrix: one combination (${shown.join(", ")})` : undefined,
  };
}

/** Literal variables of an `env:` map, resolving what can be; the names that could not be are listed. */
function literalEnv(
  env: unknown,
  scope: ExpressionScope,
): { env: Record<string, string>; unresolved: string[]; secret: boolean } {
  const result: Record<string, string> = {};
  const unresolved: string[] = [];
  let secret = false;
  for (const [name, raw] of Object.entries(asRecord(env) ?? {})) {
    const text = scalarText(raw);
    const resolved = text === undefined ? undefined : resolveExpressions(text, scope);
    if (resolved && "text" in resolved) result[name] = resolved.text;
    else {
      unresolved.push(name);
      secret ||= resolved?.secret === true;
    }
  }
  return { env: result, unresolved, secret };
}

function workingDirectory(value: unknown, fallback: string): string {
  return scalarText(value) ?? fallback;
}

interface JobContext {
  file: string;
  jobName: string;
  scope: ExpressionScope;
  cwd: string;
  /** The job's `services:` (their names). */
  services: string[];
  out: CiSteps;
}

function readStep(context: JobContext, step: Record<string, unknown>, index: number, actions: string[]) {
  const where = `${context.file} jobs.${context.jobName} step ${index + 1}`;
  const uses = scalarText(step.uses);
  if (uses !== undefined) {
    actions.push(uses);
    return;
  }
  const run = scalarText(step.run);
  if (run === undefined) return;
  if (!mayRun(step.if, context.scope)) {
    context.out.notes.push(
      `ci: ${where} runs only when ${String(step.if)}, false for the gate's Linux runner and matrix combination; not derived`,
    );
    return;
  }
  const shell = scalarText(step.shell);
  if (shell !== undefined && !/^(bash|sh)\b/.test(shell)) {
    context.out.notes.push(`ci: ${where} runs in ${shell}, which the gate does not use; not derived`);
    return;
  }
  if (tooManyVariables(step.env)) {
    context.out.notes.push(`ci: ${where} sets more than ${maxEnvVariables} variables; not derived`);
    return;
  }
  const stepEnv = literalEnv(step.env, context.scope);
  if (stepEnv.unresolved.length > 0) {
    const why = stepEnv.secret
      ? "needs secrets the gate does not have"
      : "sets variables that cannot be resolved offline";
    context.out.notes.push(`ci: ${where} ${why} (${stepEnv.unresolved.join(", ")}); not derived`);
    return;
  }
  const env = { ...context.scope.env, ...stepEnv.env };
  const resolved = resolveExpressions(run, { matrix: context.scope.matrix, env });
  if ("unresolved" in resolved) {
    const why = resolved.secret
      ? "needs secrets the gate does not have"
      : "uses an expression the gate cannot resolve";
    context.out.notes.push(`ci: ${where} ${why} (${resolved.unresolved}); not derived`);
    return;
  }
  // `working-directory: ${{ matrix.package }}` names the directory through the picked combination.
  const directory = resolveExpressions(workingDirectory(step["working-directory"], context.cwd), {
    matrix: context.scope.matrix,
    env,
  });
  if ("unresolved" in directory) {
    context.out.notes.push(
      `ci: ${where} runs in a directory the gate cannot resolve (${directory.unresolved}); not derived`,
    );
    return;
  }
  const cwd = directory.text;
  context.out.steps.push({
    source: where,
    run: resolved.text,
    cwd,
    env,
    job: `${context.file}#${context.jobName}`,
    services: context.services,
  });
}

function readJob(
  file: string,
  jobName: string,
  job: Record<string, unknown>,
  base: { env: unknown; cwd: string },
  out: CiSteps,
) {
  const where = `${file} jobs.${jobName}`;
  const title = `${jobName} ${scalarText(job.name) ?? ""}`;
  if (/deploy|release|publish/i.test(title)) {
    out.notes.push(`ci: ${where} deploys or releases; not derived`);
    return;
  }
  if (job.uses !== undefined) {
    const uses = scalarText(job.uses) ?? "?";
    const local = /^\.\/(\.github\/workflows\/[^/@\s]+)$/.exec(uses)?.[1];
    if (local) out.calls = [...(out.calls ?? []), local];
    out.notes.push(
      local
        ? `ci: ${where} calls ${local}, whose steps are read from that file`
        : `ci: ${where} calls a reusable workflow (${uses}); not read`,
    );
    return;
  }
  const picked = pickMatrix(job);
  if ("problem" in picked) {
    out.notes.push(`ci: ${where}: ${picked.problem}; not derived`);
    return;
  }
  const runsOn = resolveExpressions(JSON.stringify(job["runs-on"] ?? ""), { matrix: picked.matrix, env: {} });
  // A Windows job's steps are written for another shell and paths; a macOS job's for a Unix shell
  // like the sandbox's, so it is read (a project that tests only on macOS still has checks).
  if ("text" in runsOn && /windows/i.test(runsOn.text) && !/ubuntu|linux|macos/i.test(runsOn.text)) {
    out.notes.push(`ci: ${where} runs on ${runsOn.text}, not Linux; not derived`);
    return;
  }
  if (!mayRun(job.if, { matrix: picked.matrix })) {
    out.notes.push(
      `ci: ${where} runs only when ${String(job.if)}, false for the gate's Linux runner and matrix combination; not derived`,
    );
    return;
  }
  if (tooManyVariables(base.env) || tooManyVariables(job.env)) {
    out.notes.push(
      `ci: ${where}: its workflow or job sets more than ${maxEnvVariables} variables; not derived`,
    );
    return;
  }
  if (picked.note) out.notes.push(`ci: ${where}: ${picked.note}`);
  const scope: ExpressionScope = { matrix: picked.matrix, env: {} };
  const workflowEnv = literalEnv(base.env, scope);
  const jobEnv = literalEnv(job.env, { matrix: picked.matrix, env: workflowEnv.env });
  const dropped = [...workflowEnv.unresolved, ...jobEnv.unresolved];
  if (dropped.length > 0)
    out.notes.push(`ci: ${where}: variables left unset (secrets or unresolvable): ${dropped.join(", ")}`);
  scope.env = { ...workflowEnv.env, ...jobEnv.env };
  const defaultsRun = asRecord(asRecord(job.defaults)?.run);
  const cwd = workingDirectory(defaultsRun?.["working-directory"], base.cwd);
  const steps = Array.isArray(job.steps) ? job.steps : [];
  const actions: string[] = [];
  const services = Object.keys(asRecord(job.services) ?? {});
  const context: JobContext = { file, jobName, scope, cwd, services, out };
  steps.forEach((step, index) => {
    const record = asRecord(step);
    if (record && out.steps.length < maxStepsPerFile) readStep(context, record, index, actions);
  });
  if (actions.length > 0) out.notes.push(`ci: ${where}: action steps are not run (${actions.join(", ")})`);
}

const changeEvents = new Set(["pull_request", "pull_request_target", "merge_group"]);

/**
 * True when the workflow runs on pushes of branches or on pull requests: the project's CI. One run
 * only on tags, releases, schedules or by hand publishes or reports, and its builds are not checks.
 */
function runsOnChanges(on: unknown, calledByCi: boolean): boolean {
  if (on === undefined) return true;
  const events =
    typeof on === "string"
      ? { [on]: null }
      : Array.isArray(on)
        ? Object.fromEntries(on.map((event) => [String(event), null]))
        : (asRecord(on) ?? {});
  if (Object.keys(events).some((event) => changeEvents.has(event))) return true;
  if (calledByCi && "workflow_call" in events) return true;
  if (!("push" in events)) return false;
  const push = asRecord(events.push);
  const onlyTags =
    push !== undefined &&
    (push.tags !== undefined || push["tags-ignore"] !== undefined) &&
    push.branches === undefined &&
    push["branches-ignore"] === undefined;
  return !onlyTags;
}

/**
 * The command steps of one workflow file, with notes on everything skipped. `calledByCi`: a CI
 * workflow of the repository calls this one (`uses: ./.github/workflows/…`), so `workflow_call` counts.
 */
export function workflowSteps(file: CiFile, calledByCi = false): CiSteps {
  const out: CiSteps = { steps: [], notes: [] };
  const parsed = parseCiYaml(file.text);
  if ("problem" in parsed) return { steps: [], notes: [`ci: ${file.path} is not read: ${parsed.problem}`] };
  const workflow = asRecord(parsed.value);
  if (!runsOnChanges(workflow?.on, calledByCi)) {
    return { steps: [], notes: [`ci: ${file.path} does not run on pushes or pull requests; not read`] };
  }
  const jobs = Object.entries(asRecord(workflow?.jobs) ?? {});
  if (jobs.length > maxJobs) out.notes.push(`ci: ${file.path}: only the first ${maxJobs} jobs are read`);
  const defaultsRun = asRecord(asRecord(workflow?.defaults)?.run);
  const base = { env: workflow?.env, cwd: workingDirectory(defaultsRun?.["working-directory"], ".") };
  for (const [jobName, job] of jobs.slice(0, maxJobs)) {
    const record = asRecord(job);
    if (record) readJob(file.path, jobName, record, base, out);
  }
  if (out.steps.length >= maxStepsPerFile)
    out.notes.push(`ci: ${file.path}: only the first ${maxStepsPerFile} steps are read`);
  return out;
}
