// Credential shapes: known token formats, and a test for long random-looking strings.

/** A known credential format. `visible` characters of a match are safe to print (a fixed prefix). */
export interface SecretPattern {
  label: string;
  pattern: RegExp;
  visible: number;
}

/** The opening and closing lines of a PEM or PGP private key. */
export const privateKeyBegin = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
export const privateKeyEnd = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

/** Known formats, most specific first: a match of an earlier pattern hides later overlapping ones. */
export const secretPatterns: readonly SecretPattern[] = [
  { label: "private key block", pattern: privateKeyBegin, visible: 0 },
  { label: "AWS access key id", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, visible: 4 },
  { label: "GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, visible: 4 },
  // The prefix and 16 random characters are already a token's: a piece joined at run time
  // (`const a = "ghp_…"; \`${a}rest\``) through a variable the pieces check cannot follow.
  { label: "piece of a GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{16,35}\b/g, visible: 4 },
  { label: "GitHub fine-grained token", pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/g, visible: 11 },
  { label: "GitLab token", pattern: /\bglpat-[A-Za-z0-9_.-]{20,}/g, visible: 6 },
  { label: "Slack token", pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}/g, visible: 5 },
  { label: "Stripe live key", pattern: /\b[rs]k_live_[A-Za-z0-9]{16,}/g, visible: 8 },
  { label: "Anthropic API key", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, visible: 7 },
  {
    label: "OpenAI API key",
    // Legacy keys are 48 letters and digits; project and service keys are long and prefixed.
    pattern: /\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|[A-Za-z0-9]{48}(?![A-Za-z0-9]))/g,
    visible: 3,
  },
  { label: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, visible: 4 },
  {
    label: "JSON web token",
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
    visible: 3,
  },
];

/** Values from documentation (AWS's `AKIAIOSFODNN7EXAMPLE`) are not credentials. */
export function isDocumentedExample(value: string): boolean {
  return /EXAMPLE/.test(value);
}

/** Shannon entropy in bits per character over the string's own character frequencies. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const share = count / value.length;
    entropy -= share * Math.log2(share);
  }
  return entropy;
}

const secretContext = /(secret|token|passw(or)?d|api[_-]?key|apikey|private[_-]?key|credential|auth)/i;

/** Share of a token's characters inside word-shaped runs (`Word`, `word`): high for identifiers and paths. */
function wordCoverage(token: string): number {
  return (token.match(/[A-Z]?[a-z]{3,}/g) ?? []).join("").length / token.length;
}

/** Alphabet constants (`ABCDEF…0123456789`) hold runs of consecutive characters; random text does not. */
function hasAlphabetRun(token: string): boolean {
  let run = 1;
  for (let index = 1; index < token.length; index++) {
    run = token.charCodeAt(index) === token.charCodeAt(index - 1) + 1 ? run + 1 : 1;
    if (run >= 5) return true;
  }
  return false;
}

/**
 * Whether `token` looks like a random credential rather than an identifier, a path or a hash.
 * Base64-like tokens need all three character classes, few word-shaped runs and no alphabet runs (random text of 24+
 * characters has under 45% of its characters in them in about 98% of draws; camelCase names and
 * paths have more) and entropy close to that of random text of the same length. Hex tokens
 * (commit ids, checksums) count only on a line that names a secret, e.g. `apiKey = "…"`.
 */
export function looksRandom(token: string, line: string): boolean {
  if (/^sha(1|256|384|512)-/.test(token) || isDocumentedExample(token)) return false;
  const entropy = shannonEntropy(token);
  if (/^[0-9a-f]+$|^[0-9A-F]+$/.test(token)) {
    return token.length >= 32 && entropy >= 3 && secretContext.test(line);
  }
  const classes = /[a-z]/.test(token) && /[A-Z]/.test(token) && /[0-9]/.test(token);
  // Random base64 of length n scores about 0.85·log2(n) or more in 99% of draws.
  return (
    classes &&
    wordCoverage(token) < 0.45 &&
    !hasAlphabetRun(token) &&
    entropy >= 0.8 * Math.log2(Math.min(token.length, 64))
  );
}

/** Runs of base64/base64url/hex characters long enough to hold a credential. */
const candidate = /[A-Za-z0-9+/_=-]{24,}/g;

/**
 * Where a credential can sit on a line: inside a string literal, or as the value after `=` or `:`
 * (.env, YAML, properties). Bare code (identifiers, calls) is not read.
 */
function valueSpans(line: string): { start: number; text: string }[] {
  const spans: { start: number; text: string }[] = [];
  for (const match of line.matchAll(/(["'`])((?:\\.|(?!\1).)*)\1/g)) {
    spans.push({ start: match.index + 1, text: match[2]! });
  }
  for (const match of line.matchAll(/[=:]\s*([^\s"'`]+)/g)) {
    spans.push({ start: match.index + match[0].length - match[1]!.length, text: match[1]! });
  }
  return spans;
}

/** Long random-looking tokens in the values of one line, with their column; data URIs left out. */
export function randomTokens(line: string): { column: number; token: string }[] {
  const found = new Map<number, string>();
  for (const span of valueSpans(line)) {
    for (const match of span.text.matchAll(candidate)) {
      const token = match[0].replace(/^[/+=]+|[/+=]+$/g, "");
      const column = span.start + match.index;
      if (line.slice(0, column).endsWith("base64,")) continue;
      if (token.length >= 24 && looksRandom(token, line)) found.set(column, token);
    }
  }
  return [...found].map(([column, token]) => ({ column, token }));
}

/** A printable stand-in for a secret: a fixed, non-secret prefix and the length. */
export function redact(value: string, visible: number): string {
  return `${value.slice(0, visible)}… (${value.length} chars)`;
}
