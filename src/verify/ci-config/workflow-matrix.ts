// Picks the one matrix combination of a GitHub Actions job that the gate runs: the combinations
// GitHub would make (axes, `include` merged or added, `exclude` removed; bounded), preferring one
// on a Linux runner and then one without nightly/beta toolchains, which a stable sandbox lacks.
import { asRecord, scalarText } from "./ci-yaml.ts";

type Combination = Record<string, string>;

/** Combinations looked at most: a matrix of many axes is not enumerated in full. */
const maxCombinations = 256;
/**
 * Values a matrix may hold (axis values, include and exclude keys) and axes it may have: real ones
 * hold tens. Each axis step copies every kept combination, so a hostile workflow's 60,000-value axes
 * (an anchor aliased into every job) cost the host 3.6 s and 1.3 GiB per job before this bound.
 */
export const maxMatrixValues = 1024;
export const maxMatrixAxes = 32;

function scalarRecord(value: unknown): Combination | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const result: Combination = {};
  for (const [key, raw] of Object.entries(record)) {
    const text = scalarText(raw);
    if (text !== undefined) result[key] = text;
  }
  return result;
}

function axesOf(matrix: Record<string, unknown>): [string, string[]][] {
  return Object.entries(matrix)
    .filter(([axis, values]) => axis !== "include" && axis !== "exclude" && Array.isArray(values))
    .map(([axis, values]) => [
      axis,
      (values as unknown[]).map(scalarText).filter((value): value is string => value !== undefined),
    ]);
}

function product(axes: [string, string[]][]): Combination[] {
  let combinations: Combination[] = [{}];
  for (const [axis, values] of axes) {
    combinations = combinations
      .flatMap((combination) => values.map((value) => ({ ...combination, [axis]: value })))
      .slice(0, maxCombinations);
  }
  return axes.length === 0 ? [] : combinations;
}

const matches = (combination: Combination, entry: Combination, keys: string[]) =>
  keys.every((key) => combination[key] === entry[key]);

/** Why `matrix` is too large to expand, or undefined. Counts without copying anything. */
export function matrixProblem(matrix: Record<string, unknown>): string | undefined {
  let axes = 0;
  let values = 0;
  for (const [key, value] of Object.entries(matrix)) {
    if (key === "include" || key === "exclude") {
      for (const entry of [value].flat()) values += Object.keys(asRecord(entry) ?? {}).length;
    } else if (Array.isArray(value)) {
      axes++;
      values += value.length;
    }
  }
  if (axes > maxMatrixAxes) return `its matrix has more than ${maxMatrixAxes} axes`;
  if (values > maxMatrixValues) return `its matrix holds more than ${maxMatrixValues} values`;
  return undefined;
}

/** Every combination GitHub would run (bounded), with include entries applied as it applies them. */
export function matrixCombinations(matrix: Record<string, unknown>): Combination[] {
  const axes = axesOf(matrix);
  const axisNames = axes.map(([axis]) => axis);
  const excludes = [matrix.exclude]
    .flat()
    .map(scalarRecord)
    .filter((entry) => entry !== undefined);
  let combinations = product(axes).filter(
    (combination) => !excludes.some((entry) => matches(combination, entry, Object.keys(entry))),
  );
  const includes = [matrix.include]
    .flat()
    .map(scalarRecord)
    .filter((entry) => entry !== undefined);
  for (const entry of includes.slice(0, maxCombinations)) {
    const shared = Object.keys(entry).filter((key) => axisNames.includes(key));
    const target = combinations.filter((combination) => matches(combination, entry, shared));
    // An include that matches no combination on the original axes is a combination of its own.
    if (shared.length > 0 && target.length > 0) {
      combinations = combinations.map((combination) =>
        target.includes(combination) ? { ...entry, ...combination } : combination,
      );
    } else combinations.push(entry);
  }
  return combinations.slice(0, maxCombinations);
}

/**
 * The combination to run: the first whose runner (`runsOn` resolves it) is Linux, among those
 * the first without a nightly or beta value; undefined for an empty matrix.
 */
export function pickCombination(
  combinations: Combination[],
  runsOn: (combination: Combination) => string,
): Combination | undefined {
  const linux = combinations.filter((combination) => !/windows|macos/i.test(runsOn(combination)));
  const candidates = linux.length > 0 ? linux : combinations;
  const stable = candidates.find((combination) =>
    Object.values(combination).every((value) => !/nightly|beta|canary|\bdev\b|-rc/i.test(value)),
  );
  return stable ?? candidates[0];
}
