// The one style for the figures every view prints: durations, money and token counts, and
// money rounded for JSON. The progress lines, reports, `runs`, `show`, `stats` and PR bodies use it.

/** `362 ms`, `1.4 s`, `2 min 5 s`: always a space before the unit. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  // Round once, at the precision printed, so 59.96 s is "1 min 0 s" and never "60.0 s" or "1 min 60 s".
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** A clock that ticks while something runs: whole seconds (`12 s`) under a minute, then as formatDuration. */
export function formatElapsed(ms: number): string {
  return ms >= 0 && ms < 60_000 ? `${Math.floor(ms / 1000)} s` : formatDuration(ms);
}

/**
 * `1234567` → `1,234,567`: digits grouped by hand, as en-US does. `toLocaleString` would first load
 * the ICU number formatting data, about 12 ms of CPU in every `slipway runs`.
 */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Dollars rounded to cents; under a cent, 4 significant digits (`$0.001235`), never an exponent. */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd)) return "—";
  const sign = usd < 0 ? "-" : "";
  const amount = Math.abs(usd);
  if (amount === 0 || amount >= 0.01) {
    const [whole, cents] = (Math.round(amount * 100) / 100).toFixed(2).split(".");
    return `${sign}$${groupThousands(whole!)}.${cents}`;
  }
  // Below a cent, how many decimals keep 4 significant digits; capped so dust stays readable.
  const decimals = Math.min(10, 3 - Math.floor(Math.log10(amount)));
  return `${sign}$${amount.toFixed(decimals).replace(/0+$/, "")}`;
}

/** `12,345`. */
export function formatTokens(count: number): string {
  return Number.isFinite(count) ? groupThousands(String(Math.round(count))) : "—";
}

/** Money for JSON: micro-dollars, so sums print as 0.05295 and not 0.052950000000000004. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}

const moneyKey = /(^cost|Cost)(Usd)?$|Usd$/;

/**
 * JSON.stringify that rounds every money field (`costUsd`, `judgeCostUsd`, `maxCostUsd` …) to
 * micro-dollars; indented by 2 unless `indent` says otherwise (0: one line).
 */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (key, field: unknown) => (typeof field === "number" && moneyKey.test(key) ? roundUsd(field) : field),
    indent || undefined,
  );
}
