// Evaluates the simple `if:` conditions of GitHub Actions steps and jobs that the gate can know:
// comparisons of `runner.os` (Linux in the sandbox) or a picked matrix value with a string, and
// `startsWith(…)` of them. Anything else is unknown, and the step is kept, as it usually runs.

/** The values a condition may read: the runner's OS and the picked matrix combination. */
export interface ConditionScope {
  matrix: Record<string, string>;
}

/** The value of `runner.os` or `matrix.X`, or undefined. */
function operand(name: string, scope: ConditionScope): string | undefined {
  if (name === "runner.os") return "Linux";
  const axis = /^matrix\.([\w-]+)$/.exec(name)?.[1];
  return axis === undefined ? undefined : scope.matrix[axis];
}

const comparison = /^(!)?\s*(runner\.os|matrix\.[\w-]+)\s*(==|!=)\s*'([^']*)'$/;
const startsWith = /^(!)?\s*startsWith\(\s*(runner\.os|matrix\.[\w-]+)\s*,\s*'([^']*)'\s*\)$/;

/** False when `condition` is known to be false on the gate's Linux runner; true otherwise. */
export function mayRun(condition: unknown, scope: ConditionScope): boolean {
  if (typeof condition !== "string") return true;
  const text = condition.trim().replace(/^\$\{\{\s*([\s\S]*?)\s*\}\}$/, "$1");
  const compared = comparison.exec(text);
  if (compared) {
    const value = operand(compared[2]!, scope);
    if (value === undefined) return true;
    // GitHub compares strings without regard to case.
    const equal = value.toLowerCase() === compared[4]!.toLowerCase();
    return ((compared[3] === "==") === equal) !== Boolean(compared[1]);
  }
  const prefixed = startsWith.exec(text);
  if (prefixed) {
    const value = operand(prefixed[2]!, scope);
    if (value === undefined) return true;
    return value.toLowerCase().startsWith(prefixed[3]!.toLowerCase()) !== Boolean(prefixed[1]);
  }
  return true;
}
