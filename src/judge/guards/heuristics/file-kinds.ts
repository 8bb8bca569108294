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
