// Resolves the `${{ … }}` expressions of a GitHub Actions `run:` text that a gate can know: the
// matrix values picked for the job and literal `env.*` values. Anything else (secrets, github.*,
// steps.*, inputs.*) cannot be known offline, and the step is not derived.

export interface ExpressionScope {
  matrix: Record<string, string>;
  env: Record<string, string>;
}

export type Resolved = { text: string } | { unresolved: string; secret: boolean };

const expression = /\$\{\{\s*(.*?)\s*\}\}/gs;

/** `text` with every expression replaced, or the first one that cannot be. */
export function resolveExpressions(text: string, scope: ExpressionScope): Resolved {
  let failure: { unresolved: string; secret: boolean } | undefined;
  const resolved = text.replace(expression, (whole, inner: string) => {
    const match = /^(matrix|env)\.([A-Za-z_][\w-]*)$/.exec(inner);
    const value = match ? scope[match[1] as "matrix" | "env"][match[2]!] : undefined;
    if (value !== undefined) return value;
    failure ??= { unresolved: whole, secret: /\bsecrets\./.test(inner) };
    return whole;
  });
  return failure ?? { text: resolved };
}

/** True when `text` holds an expression at all. */
export function hasExpression(text: string): boolean {
  return /\$\{\{/.test(text);
}
