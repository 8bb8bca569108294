// What a path is, judged from its name alone: lockfile, test file, documentation, which language.

/** Lockfile names: generated, full of hashes, guarded as protected files rather than read. */
export const lockfileNames = [
  "package-lock.json",
  "npm-shrinkwrap.json",
  "pnpm-lock.yaml",
  "yarn.lock",
  "bun.lock",
  "Cargo.lock",
  "poetry.lock",
  "uv.lock",
  "Pipfile.lock",
  "go.sum",
  "Gemfile.lock",
  "composer.lock",
] as const;

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function isLockfile(path: string): boolean {
  return (lockfileNames as readonly string[]).includes(baseName(path));
}

/** Minified bundles and source maps: machine output where long random-looking tokens are normal. */
export function isGeneratedAsset(path: string): boolean {
  return /\.min\.[a-z]+$|\.map$/.test(baseName(path));
}

export function isDocumentation(path: string): boolean {
  return /\.(md|mdx|markdown|rst|adoc|txt)$/i.test(baseName(path));
}

const testFileName =
  /(\.|_|-)(test|tests|spec)\.[a-z]+$|^test_.+\.py$|^tests?\.py$|(Test|Tests|IT|Spec)\.(java|kt|scala|groovy)$|^conftest\.py$/;
const testDirectory = /(^|\/)(tests?|__tests__|specs?)\//;

/** A file named or placed like a test in the common ecosystems (JS/TS, Python, Go, Java, Rust, Ruby). */
export function isTestFilePath(path: string): boolean {
  const name = baseName(path);
  if (isDocumentation(path)) return false;
  return testFileName.test(name) || (testDirectory.test(path) && languageOf(path) !== undefined);
}

/**
 * Whether a test runner that collected tests from `from` still collects them at `to`: the same
 * path, or a path still named like a test (when `from` was) and still under a test directory
 * (when `from` was). `foo.test.ts` → `foo.test.ts.bak`, or `test/a.test.ts` → `attic/a.test.ts`,
 * are not. A file that is not a test by its path (Rust's `src/lib.rs`) may go anywhere.
 */
export function stillCollected(from: string, to: string): boolean {
  if (from === to || !isTestFilePath(from)) return true;
  if (!isTestFilePath(to) || languageOf(to) !== languageOf(from)) return false;
  if (testFileName.test(baseName(from)) && !testFileName.test(baseName(to))) return false;
  return !testDirectory.test(from) || testDirectory.test(to);
}

export type Language = "js" | "python" | "rust" | "go" | "java";

const extensions: Record<string, Language> = {
  js: "js",
  jsx: "js",
  mjs: "js",
  cjs: "js",
  ts: "js",
  tsx: "js",
  mts: "js",
  cts: "js",
  py: "python",
  rs: "rust",
  go: "go",
  java: "java",
};

/** The language family of a source file by extension, or undefined for anything else. */
export function languageOf(path: string): Language | undefined {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  return dot < 0 ? undefined : extensions[name.slice(dot + 1)];
}

/** Extensions of files people read and review as text (source, configuration, documentation). */
const textExtensions = new Set([
  ...Object.keys(extensions),
  ..."kt kts scala groovy swift c h cc cpp hpp cs fs rb php pl lua r jl dart ex exs erl hs clj elm vue svelte".split(
    " ",
  ),
  ..."sh bash zsh fish ps1 bat cmd mk cmake gradle sql graphql proto".split(" "),
  ..."json jsonc json5 yml yaml toml ini cfg conf properties xml html htm css scss less env lock".split(" "),
  ..."svg ipynb".split(" "),
  ..."md mdx markdown rst adoc txt csv tsv".split(" "),
]);

/** Names without a telling extension that are text by convention. */
const textNames =
  /^(?:Makefile|GNUmakefile|makefile|Dockerfile|Containerfile|Jenkinsfile|Gemfile|Rakefile|Procfile|CODEOWNERS|LICENSE|\.[\w.-]+rc|\.git\w+|\.env\w*|\.envrc)$/;

/**
 * A path whose content is text by its name: source, configuration, documentation, tests. Binary
 * content there hides what reviewers would otherwise read.
 */
export function isTextTypedPath(path: string): boolean {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  if (dot > 0 && textExtensions.has(name.slice(dot + 1).toLowerCase())) return true;
  return textNames.test(name) || isTestFilePath(path) || isLockfile(path);
}
