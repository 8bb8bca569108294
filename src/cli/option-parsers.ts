// Parsers for command-line values, so a bad flag fails with a message naming the flag.
import { InvalidArgumentError } from "commander";

export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError("expected a positive number");
  return parsed;
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError("expected a positive whole number");
  return parsed;
}

/** For a repeatable option: each occurrence adds its value to the list. */
export function collect(value: string, previous: string[]): string[] {
  if (value.trim() === "") throw new InvalidArgumentError("expected a non-empty glob");
  return [...previous, value];
}
