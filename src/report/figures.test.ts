// The one style of the figures every view prints, and the scan that keeps it the only one.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { formatCost, formatDuration, formatElapsed, formatTokens, roundUsd, toJson } from "./figures.ts";

test("durations have one style, a space before the unit, and never print 60 of a unit", () => {
  assert.equal(formatDuration(362), "362 ms");
  assert.equal(formatDuration(1_400), "1.4 s");
  assert.equal(formatDuration(59_960), "1 min 0 s");
  assert.equal(formatDuration(119_600), "2 min 0 s");
  assert.equal(formatDuration(125_000), "2 min 5 s");
  // A ticking clock shows whole seconds, then the same style.
  assert.equal(formatElapsed(12_900), "12 s");
  assert.equal(formatElapsed(125_000), "2 min 5 s");
});

test("money is rounded to cents, or to 4 significant digits under a cent", () => {
  assert.equal(formatCost(0.052950000000000004), "$0.05");
  assert.equal(formatCost(1234.5), "$1,234.50");
  assert.equal(formatCost(0), "$0.00");
  assert.equal(formatCost(0.00123456), "$0.001235");
  assert.equal(formatCost(0.0009), "$0.0009");
  assert.equal(formatCost(0.0099996), "$0.01");
  assert.equal(formatCost(0.0091), "$0.0091");
  assert.doesNotMatch(formatCost(1e-9), /e/);
});

test("token counts are grouped by thousands", () => {
  assert.equal(formatTokens(1234567), "1,234,567");
  assert.equal(formatTokens(999), "999");
  assert.equal(formatTokens(-1234.4), "-1,234");
  assert.equal(formatCost(-1234567.891), "-$1,234,567.89");
  assert.equal(formatCost(999.999), "$1,000.00");
});

test("JSON rounds every money field to micro-dollars and leaves other numbers alone", () => {
  assert.equal(roundUsd(0.052950000000000004), 0.05295);
  const text = toJson({
    costUsd: 0.052950000000000004,
    review: { judgeCostUsd: 0.1 + 0.2 },
    turns: 0.1 + 0.2,
  });
  assert.match(text, /"costUsd": 0.05295,/);
  assert.deepEqual(JSON.parse(text), { costUsd: 0.05295, review: { judgeCostUsd: 0.3 }, turns: 0.1 + 0.2 });
});

test("one-line JSON rounds money too", () => {
  assert.equal(toJson({ usage: { costUsd: 0.1 + 0.2 } }, 0), '{"usage":{"costUsd":0.3}}');
});

test("no module prints a duration with its own unit: formatDuration is the one formatter", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  // A value pasted straight before a unit: `${ms}ms`, `${(ms / 1000).toFixed(1)}s`.
  const ownUnit = /\$\{[^}]*\}(ms|s)\b/;
  const offending = readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => file.split(path.sep).join("/"))
    .filter((file) => ownUnit.test(readFileSync(path.join(root, file), "utf8")));
  assert.deepEqual(offending, []);
});
