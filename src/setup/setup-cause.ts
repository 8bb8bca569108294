// The one line that says why an install failed, read from the package manager's own output
// (npm, pnpm, yarn, pip, uv, cargo, go, Maven, Gradle), and secret values blanked from any text
// that goes to the trace or the screen.

/** A cause line is cut to this many characters. */
const maxCauseChars = 300;

/** npm's lines that frame an error rather than say it. */
const npmFraming = /^npm (ERR!|error) (code |errno |syscall |path |A complete log|Log files|$)/;

/** Error lines of each tool, most specific first; the first line matching any of them wins. */
const errorLines: readonly RegExp[] = [
  /^npm (ERR!|error) /,
  /ERR_PNPM_\w+/,
  /^(error|YN\d{4}:.*(Error|error|failed))\b/,
  /^ERROR: /,
  /^error(\[\w+\])?: /,
  /^\[ERROR\] /,
  /^go: .*(error|invalid|not found|missing|mismatch|verifying)/i,
  /^(FAILURE|\* What went wrong):?/,
];

/**
 * What to do about causes whose tool line does not say it: corepack's, when it provides a pinned
 * package manager (setup/node/pinned-manager.ts).
 */
const hints: readonly { pattern: RegExp; hint: string }[] = [
  {
    pattern: /No compatible signature found/,
    hint: "the registry served no signature corepack trusts; pin the hash in packageManager (`corepack use pnpm@<version>` writes it), which corepack checks instead",
  },
  {
    pattern: /Mismatch hashes/,
    hint: "the package manager downloaded does not match the hash packageManager pins",
  },
  {
    pattern: /could not start corepack\b/,
    hint: "corepack is not installed where setup runs (Node 25 no longer ships it): `npm install -g corepack`, or declare setup.commands",
  },
];

function withHint(line: string): string {
  const found = hints.find(({ pattern }) => pattern.test(line));
  return found ? `${line} — ${found.hint}` : line;
}

function clean(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour escapes are stripped on purpose
  const plain = line.replace(/\u001b\[[0-9;]*m/g, "").trim();
  return plain.length > maxCauseChars ? `${plain.slice(0, maxCauseChars - 1)}…` : plain;
}

/**
 * The first line of `output` that a known tool prints for an error, else the first line mentioning
 * an error, else the last non-empty line; undefined for empty output.
 */
export function firstErrorLine(output: string): string | undefined {
  const lines = output
    .split(/\r?\n/)
    .map(clean)
    .filter((line) => line.length > 0);
  for (const line of lines) {
    if (npmFraming.test(line)) continue;
    if (errorLines.some((pattern) => pattern.test(line))) return withHint(line);
  }
  const found = lines.find((line) => !npmFraming.test(line) && /error|failed/i.test(line)) ?? lines.at(-1);
  return found === undefined ? undefined : withHint(found);
}

/** `text` with every secret value (of 4 characters or more) replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) if (secret.length >= 4) redacted = redacted.split(secret).join("***");
  return redacted;
}
