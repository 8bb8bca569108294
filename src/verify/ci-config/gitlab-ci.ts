// Reads `.gitlab-ci.yml` jobs into command steps: `before_script` and `script` lines (a job's own,
// else `default:` or the top level's), `extends:` resolved within the file (bounded, cycles
// refused), anchors and `<<` merges by the YAML reader. `include:`, triggers and manual jobs are
// reported, not read.

import { type CiFile, type CiSteps, maxEnvVariables, maxStepsPerFile, tooManyVariables } from "./ci-file.ts";
import { asRecord, isCiReference, parseCiYaml, scalarText } from "./ci-yaml.ts";

/** Top-level keys that are settings, not jobs. */
const reservedKeys = new Set([
  "image",
  "services",
  "stages",
  "types",
  "before_script",
  "after_script",
  "variables",
  "cache",
  "include",
  "default",
  "workflow",
  "spec",
]);
/** How deep `extends:` chains are followed. */
const maxExtendsDepth = 10;
const maxJobs = 500;

type Job = Record<string, unknown>;

/**
 * Resolves `extends:` (later bases win, the job wins over all), each job once: a shared base is
 * not resolved again for every job that reaches it, so a lattice of templates costs linear time.
 */
function extendsResolver(jobs: Record<string, unknown>): (name: string) => Job | string {
  const resolved = new Map<string, Job | string>();
  const resolving = new Set<string>();
  const resolve = (name: string, depth: number): Job | string => {
    const known = resolved.get(name);
    if (known !== undefined) return known;
    const job = asRecord(jobs[name]);
    if (!job) return `extends an unknown job ${name}`;
    if (resolving.has(name) || depth > maxExtendsDepth)
      return `its extends chain is circular or deeper than ${maxExtendsDepth}`;
    resolving.add(name);
    let merged: Job | string = {};
    for (const base of [job.extends].flat().map(scalarText)) {
      if (base === undefined) continue;
      const resolvedBase = resolve(base, depth + 1);
      if (typeof resolvedBase === "string") {
        merged = resolvedBase;
        break;
      }
      merged = { ...merged, ...resolvedBase };
    }
    resolving.delete(name);
    const result = typeof merged === "string" ? merged : { ...merged, ...job };
    resolved.set(name, result);
    return result;
  };
  return (name) => resolve(name, 0);
}

/** How deep nested lists and `!reference`s are followed (GitLab's own limit is 10). */
const maxScriptDepth = 10;

/** The value at `path` (`[job, key, …]`) of the file's top level, for a `!reference`. */
function referenced(root: Record<string, unknown>, path: unknown[]): unknown {
  let value: unknown = root;
  for (const key of path) value = typeof key === "string" ? asRecord(value)?.[key] : undefined;
  return value;
}

/** Script lines: a string or a list, nested lists flattened and `!reference`s resolved (bounded). */
function scriptLines(value: unknown, root: Record<string, unknown>, depth = 0): string[] {
  if (depth > maxScriptDepth) return [];
  if (isCiReference(value)) return scriptLines(referenced(root, value.reference), root, depth + 1);
  if (Array.isArray(value)) return value.flatMap((item) => scriptLines(item, root, depth + 1));
  const line = scalarText(value);
  return line === undefined ? [] : [line];
}

function literalVariables(value: unknown): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, raw] of Object.entries(asRecord(value) ?? {})) {
    // A variable may be `{ value: …, description: … }`; one naming another ($X) stays unset.
    const text = scalarText(raw) ?? scalarText(asRecord(raw)?.value);
    if (text !== undefined && !text.includes("$")) variables[name] = text;
  }
  return variables;
}

/** The names of a job's `services:` (a string each, or `{ name: … }`). */
function serviceNames(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [];
  return list
    .map((service) => scalarText(service) ?? scalarText(asRecord(service)?.name))
    .filter((name): name is string => name !== undefined);
}

/** Why a job is a release or deploy job rather than a check (tags only, a deploy stage), if it is. */
function releaseOnly(job: Job): string | undefined {
  const stage = scalarText(job.stage);
  if (stage !== undefined && /deploy|release|publish/i.test(stage)) return `is in the ${stage} stage`;
  const only = job.only;
  const refs = Array.isArray(only) ? only : asRecord(only)?.refs;
  const list = Array.isArray(refs) ? refs.map(scalarText) : [];
  return list.length > 0 && list.every((ref) => ref === "tags") ? "runs only for tags" : undefined;
}

/** The command steps of `.gitlab-ci.yml`, with notes on what is skipped. */
export function gitlabSteps(file: CiFile): CiSteps {
  const out: CiSteps = { steps: [], notes: [] };
  const parsed = parseCiYaml(file.text);
  if ("problem" in parsed) return { steps: [], notes: [`ci: ${file.path} is not read: ${parsed.problem}`] };
  const root = asRecord(parsed.value) ?? {};
  if (root.include !== undefined)
    out.notes.push(`ci: ${file.path}: include: is not followed; only this file is read`);
  const defaults = asRecord(root.default) ?? {};
  const globalBefore = defaults.before_script ?? root.before_script;
  const globalVariables = literalVariables(root.variables);
  const names = Object.keys(root).filter((key) => !reservedKeys.has(key) && !key.startsWith("."));
  const resolveJob = extendsResolver(root);
  for (const name of names.slice(0, maxJobs)) {
    const where = `${file.path} ${name}`;
    const job = resolveJob(name);
    if (typeof job === "string") {
      out.notes.push(`ci: ${where} ${job}; not derived`);
      continue;
    }
    if (job.trigger !== undefined) continue;
    const release = releaseOnly(job);
    if (release) {
      out.notes.push(`ci: ${where} ${release}; not derived`);
      continue;
    }
    if (scalarText(job.when) === "manual") {
      out.notes.push(`ci: ${where} runs only by hand; not derived`);
      continue;
    }
    if (tooManyVariables(root.variables) || tooManyVariables(job.variables)) {
      out.notes.push(`ci: ${where}: it or the file sets more than ${maxEnvVariables} variables; not derived`);
      continue;
    }
    if (out.steps.length >= maxStepsPerFile) break;
    const lines = [...scriptLines(job.before_script ?? globalBefore, root), ...scriptLines(job.script, root)];
    const env = { ...globalVariables, ...literalVariables(job.variables) };
    const services = serviceNames(job.services ?? defaults.services ?? root.services);
    for (const [index, line] of lines.entries()) {
      if (out.steps.length >= maxStepsPerFile) break;
      out.steps.push({
        source: `${where} line ${index + 1}`,
        run: line,
        cwd: ".",
        env,
        job: `${file.path}#${name}`,
        services,
      });
    }
  }
  if (names.length > maxJobs) out.notes.push(`ci: ${file.path}: only the first ${maxJobs} jobs are read`);
  return out;
}
