// The environment a sandboxed process sees: an allowlist, never the platform's own environment.

/**
 * Host variables copied into a sandbox when set. Nothing else of the platform's env crosses. The
 * certificate ones name the CA bundle a machine behind an intercepting proxy trusts (a path under
 * /etc/ssl, which every sandbox shows read-only): without them node, pip and curl inside refuse
 * the registry's certificate. They hold paths, never keys.
 */
const passThrough = [
  "PATH",
  "LANG",
  "LC_ALL",
  "TERM",
  "TZ",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "PIP_CERT",
  "CURL_CA_BUNDLE",
  "GIT_SSL_CAINFO",
] as const;

/** Build the minimal environment for a sandboxed process; `home` and `tmp` are sandbox-private. */
export function sandboxEnvironment(
  home: string,
  tmp: string,
  extra: Record<string, string> = {},
  host: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of passThrough) {
    const value = host[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= "/usr/local/bin:/usr/bin:/bin";
  // A CI runner's locale (GitHub's images set LANG=C.UTF-8): without one, a platform started by a
  // service manager hands tools the C locale, and Java, Ruby, Perl and Python <3.7 read and print
  // non-ASCII source as ASCII. glibc has C.UTF-8 built in; the host's own choice wins when it has one.
  if (env.LANG === undefined && env.LC_ALL === undefined) env.LANG = "C.UTF-8";
  env.HOME = home;
  env.TMPDIR = tmp;
  // A CI runner's environment, nothing more: NO_COLOR would fail a CLI library's colour tests that
  // pass in CI; parsers strip colour codes (verify/run-verifiers.ts) for tools that print them.
  env.CI = "true";
  env.GIT_TERMINAL_PROMPT = "0";
  env.GIT_CONFIG_NOSYSTEM = "1";
  return { ...env, ...extra };
}

/** `env` with `directories` first on its PATH (a copy; `env` itself is unchanged). */
export function withPathFirst(
  env: Record<string, string>,
  directories: readonly string[] | undefined,
): Record<string, string> {
  if (directories === undefined || directories.length === 0) return env;
  const rest = env.PATH === undefined || env.PATH === "" ? [] : [env.PATH];
  return { ...env, PATH: [...directories, ...rest].join(":") };
}
