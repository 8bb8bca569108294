// Resolves the `${{ … }}` expressions of a GitHub Actions `run:` text that a gate can know: the
// matrix values picked for the job and literal `env.*` values. Anything else (secrets, github.*,
// steps.*, inputs.*) cannot be known offline, and the step is not derived.

export interface ExpressionScope {
  matrix: Record<string, string>;
  env: Record<string, string>;
}

export type Resolved = { text: string } | { unresolved: string; secret: boolean };

/** The value of one expression's inside, or undefined when the gate cannot know it. */
function expressionValue(inner: string, scope: ExpressionScope): string | undefined {
  const match = /^(matrix|env)\.([A-Za-z_][\w-]*)$/.exec(inner);
  return match ? scope[match[1] as "matrix" | "env"][match[2]!] : undefined;
}

/**
 * `text` with every expression replaced, or the first one that cannot be. A plain scan (each
 * `${{` looks once for its `}}`), so hostile text full of unclosed openers costs linear time.
 */
export function resolveExpressions(text: string, scope: ExpressionScope): Resolved {
  let result = "";
  let from = 0;
  for (let open = text.indexOf("${{", from); open !== -1; open = text.indexOf("${{", from)) {
    const close = text.indexOf("}}", open + 3);
    if (close === -1) return { unresolved: text.slice(open, open + 40), secret: false };
    const whole = text.slice(open, close + 2);
    const inner = text.slice(open + 3, close).trim();
    const value = expressionValue(inner, scope);
    if (value === undefined) return { unresolved: whole, secret: /\bsecrets\./.test(inner) };
    result += text.slice(from, open) + value;
    from = close + 2;
  }
  return { text: result + text.slice(from) };
}
