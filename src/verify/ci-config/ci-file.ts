// What CI derivation reads and yields: the CI files of a repository (by path and text), the
// command steps read from them, and the bounds every reader keeps to (CI files are hostile input).
import { asRecord } from "./ci-yaml.ts";

/** One CI or task-runner file: its path from the repository root and its text. */
export interface CiFile {
  path: string;
  text: string;
}

/** The CI files found, with notes on files refused (a link, a FIFO, too large). */
export interface CiFiles {
  files: CiFile[];
  notes: string[];
}

/** Files read at the repository root, besides the workflows folder. */
export const ciRootFiles = [".gitlab-ci.yml", "tox.ini", "noxfile.py", "turbo.json", "nx.json"] as const;
/** GitHub Actions workflows: every `*.yml` / `*.yaml` directly in this folder. */
export const workflowFolder = ".github/workflows";
/** A CI file is a few kilobytes; larger ones are refused, not parsed. */
export const maxCiFileBytes = 256 * 1024;
/** All CI files together: reading and parsing them happens on every verification of a run. */
export const maxTotalCiBytes = 1024 * 1024;
/** Workflows read at most (in name order); more are left with a note. */
export const maxWorkflowFiles = 40;

/** True for a workflow file name (`ci.yml`, `test.yaml`). */
export function isWorkflowName(name: string): boolean {
  // No control characters: the name is printed in notes and traces.
  return /^[^/\p{Cc}]+\.ya?ml$/u.test(name);
}

/**
 * The workflow paths to read among `names` (file names in the workflows folder): workflow files
 * only, in name order, at most maxWorkflowFiles (a note says when more were left).
 */
export function workflowPathsToRead(names: string[], notes: string[], more = false): string[] {
  const workflows = names.filter(isWorkflowName).sort();
  if (workflows.length > maxWorkflowFiles || more) {
    notes.push(`ci: only the first ${maxWorkflowFiles} workflows in ${workflowFolder} are read`);
  }
  return workflows.slice(0, maxWorkflowFiles).map((name) => `${workflowFolder}/${name}`);
}

/**
 * The files of `paths`, read in order by `read` (undefined: refused, and `read` noted why), until
 * together they would pass maxTotalCiBytes.
 */
export async function readWithinTotal(
  paths: string[],
  read: (path: string) => Promise<string | undefined>,
  notes: string[],
): Promise<CiFile[]> {
  const files: CiFile[] = [];
  let total = 0;
  for (const path of paths) {
    const text = await read(path);
    if (text === undefined) continue;
    total += Buffer.byteLength(text);
    if (total > maxTotalCiBytes) {
      notes.push(`ci: ${path} and later CI files are not read: together they pass ${maxTotalCiBytes} bytes`);
      break;
    }
    files.push({ path, text });
  }
  return files;
}

/** One command text a CI file runs (a `run:` step, a `script:` line, a tox command …). */
export interface CiStep {
  /** Where it came from, for notes: `.github/workflows/ci.yml jobs.test step 3`. */
  source: string;
  /** The command text (several lines for a `run: |` block). */
  run: string;
  /** Directory relative to the repository root. */
  cwd: string;
  /** Literal environment variables the step sets (workflow, job and step levels). */
  env: Record<string, string>;
  /** The job (or env/session) it belongs to; a build earlier in the same job gates later checks. */
  job: string;
  /** Services the job starts beside it (a database, a cache): its tests need what the sandbox lacks. */
  services: string[];
}

/** The steps one file yields, with notes on what it skipped and why. */
export interface CiSteps {
  steps: CiStep[];
  notes: string[];
  /** Reusable workflows of the repository its jobs call (`uses: ./.github/workflows/x.yml`). */
  calls?: string[];
}

/** Steps read from one file at most, so a huge generated workflow cannot flood detection. */
export const maxStepsPerFile = 400;

/**
 * Variables one `env:`/`variables:` map may set: real ones set a few. Every step's check carries its
 * job's variables, so a hostile file's 20,000-name map aliased into each job cost the host seconds.
 */
export const maxEnvVariables = 100;

const judgedMaps = new WeakMap<object, boolean>();

/** True when `value` is a map of more than maxEnvVariables names. */
export function tooManyVariables(value: unknown): boolean {
  const record = asRecord(value);
  if (record === undefined) return false;
  // An aliased map is one object met in every job: counted once.
  let verdict = judgedMaps.get(record);
  if (verdict === undefined) {
    verdict = Object.keys(record).length > maxEnvVariables;
    judgedMaps.set(record, verdict);
  }
  return verdict;
}
