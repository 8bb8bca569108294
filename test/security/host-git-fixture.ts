// Test support for the host-git security tests: marker scripts that record that something ran, a
// hostile home directory, planted mirror config, and plain git (as a naive platform would run it)
// for the positive controls.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const identity = {
  GIT_AUTHOR_NAME: "x",
  GIT_AUTHOR_EMAIL: "x@x",
  GIT_COMMITTER_NAME: "x",
  GIT_COMMITTER_EMAIL: "x@x",
};

/**
 * An executable at `<markers>/<name>.sh` that creates `<markers>/<name>` when anything runs it and
 * exits with `exitCode`; as a `filter` it first copies stdin to stdout, passing content through.
 */
export function markerScript(markers: string, name: string, exitCode = 0, filter = false): string {
  const file = path.join(markers, `${name}.sh`);
  const body = filter ? "cat\n" : "";
  writeFileSync(file, `#!/bin/sh\ntouch '${path.join(markers, name)}'\n${body}exit ${exitCode}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** The markers created so far (scripts and their directories are not markers). */
export function markersFound(markers: string): string[] {
  return readdirSync(markers)
    .filter((name) => !name.endsWith(".sh") && !name.endsWith("-hooks") && !name.endsWith(".conf"))
    .sort();
}

/** Plain git with the given extra environment; returns stdout, or stderr when it fails. */
export function plainGit(cwd: string, args: string[], env: Record<string, string> = {}): string {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
      env: { ...process.env, ...identity, ...env },
    });
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
}

/**
 * A home directory whose ~/.gitconfig and ~/.config/git/attributes arm every code-running setting
 * against every file: filters (as git-lfs installs them), a diff driver, fsmonitor, hooks, gpg.
 */
export function hostileHome(home: string, markers: string): Record<string, string> {
  const hooks = path.join(markers, "global-hooks");
  mkdirSync(hooks, { recursive: true });
  for (const hook of ["post-checkout", "pre-commit", "reference-transaction", "post-index-change"]) {
    const script = markerScript(markers, `global-${hook}`);
    writeFileSync(path.join(hooks, hook), `#!/bin/sh\nexec '${script}' </dev/null\n`);
    chmodSync(path.join(hooks, hook), 0o755);
  }
  const filter = markerScript(markers, "global-filter", 0, true);
  writeFileSync(
    path.join(home, ".gitconfig"),
    [
      '[filter "lfs"]',
      `\tclean = ${filter}`,
      `\tsmudge = ${filter}`,
      '[filter "evil"]',
      `\tclean = ${filter}`,
      `\tsmudge = ${filter}`,
      '[diff "evil"]',
      `\ttextconv = ${markerScript(markers, "global-textconv")}`,
      "[core]",
      `\tfsmonitor = ${markerScript(markers, "global-fsmonitor", 1)}`,
      `\thooksPath = ${hooks}`,
      "[gpg]",
      `\tprogram = ${markerScript(markers, "global-gpg", 1)}`,
      "[log]",
      "\tshowSignature = true",
      "",
    ].join("\n"),
  );
  mkdirSync(path.join(home, ".config", "git"), { recursive: true });
  writeFileSync(path.join(home, ".config", "git", "attributes"), "* filter=evil diff=evil\n");
  return { HOME: home, XDG_CONFIG_HOME: path.join(home, ".config") };
}

/** Replace `repo`'s HEAD commit by the same commit carrying a (bogus) PGP signature header. */
export function addSignatureHeader(repo: string): string {
  const raw = plainGit(repo, ["cat-file", "commit", "HEAD"]);
  const [headers, ...message] = raw.split("\n\n");
  const signature = " -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----";
  const signed = `${headers}\ngpgsig${signature}\n\n${message.join("\n\n")}`;
  const commit = execFileSync("git", ["hash-object", "-t", "commit", "-w", "--stdin"], {
    cwd: repo,
    input: signed,
    encoding: "utf8",
    timeout: 60_000,
  }).trim();
  plainGit(repo, ["update-ref", "HEAD", commit]);
  return commit;
}

/**
 * Arm a mirror's config and one worktree admin dir the way an escaped run could: an upload-pack
 * command, an ssh command behind a URL rewrite, an fsmonitor, an include with filters, and the
 * per-worktree config extension with a config.worktree of filters.
 */
export function plantMirrorConfig(
  mirrorPath: string,
  adminDir: string,
  source: string,
  markers: string,
): void {
  const set = (file: string, key: string, value: string): void => {
    execFileSync("git", ["config", "--file", file, "--replace-all", key, value], { timeout: 60_000 });
  };
  const config = path.join(mirrorPath, "config");
  const filter = markerScript(markers, "planted-filter", 0, true);
  const include = path.join(markers, "planted-include.conf");
  set(include, "filter.evil.clean", filter);
  set(include, "filter.evil.smudge", filter);
  set(config, "remote.origin.uploadpack", markerScript(markers, "planted-uploadpack", 1));
  set(config, "core.sshCommand", markerScript(markers, "planted-ssh", 1));
  set(config, "url.ssh://planted.invalid/x.insteadOf", source);
  set(config, "core.fsmonitor", markerScript(markers, "planted-fsmonitor", 1));
  set(config, "include.path", include);
  execFileSync("git", ["config", "--file", config, "core.repositoryformatversion", "1"], { timeout: 60_000 });
  set(config, "extensions.worktreeConfig", "true");
  const worktreeConfig = path.join(adminDir, "config.worktree");
  const worktreeFilter = markerScript(markers, "planted-worktree-filter", 0, true);
  set(worktreeConfig, "filter.evil.clean", worktreeFilter);
  set(worktreeConfig, "filter.evil.smudge", worktreeFilter);
}
