// Reads the task names of turbo.json (`tasks`, or v1's `pipeline`) and nx.json (`targetDefaults`):
// those that are checks (`check-types`, `test`, `lint`) become `turbo run <task>` / `nx run-many -t
// <task>` steps, which run each package's script of that name; used when no CI file gives checks.

import { kindsOfTaskName } from "./check-kind.ts";
import type { CiFile, CiStep } from "./ci-file.ts";

const maxTasks = 100;

/** The check-like task names a turbo.json or nx.json declares (package-qualified names left out). */
export function taskRunnerSteps(file: CiFile): { steps: CiStep[]; notes: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (error) {
    return { steps: [], notes: [`ci: ${file.path} is not read: ${(error as Error).message}`] };
  }
  const record = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const turbo = file.path === "turbo.json";
  const tasks = turbo ? (record.tasks ?? record.pipeline) : record.targetDefaults;
  const names = Object.keys(typeof tasks === "object" && tasks !== null ? tasks : {})
    .slice(0, maxTasks)
    // `web#build` is one package's task; `//#lint` a root task: both are run through their own names.
    .filter((name) => !name.includes("#") && !name.includes(":") && kindsOfTaskName(name).length > 0);
  // Without their caches: a check must run the tasks, not replay a result stored earlier.
  const command = (name: string) =>
    turbo
      ? `node_modules/.bin/turbo run ${name} --force`
      : `node_modules/.bin/nx run-many -t ${name} --skip-nx-cache`;
  const steps = names.map((name) => ({
    source: `${file.path} task ${name}`,
    run: command(name),
    cwd: ".",
    env: {},
    services: [],
    job: `${file.path}#${name}`,
  }));
  return { steps, notes: [] };
}
