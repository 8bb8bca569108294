// The real open-source projects bench/real-projects.ts measures `slipway verify` on: how this machine
// installs their dependencies by hand (only the npm registry and Debian packages are reachable),
// the commands their own CI runs, and the failures planted in them (a line inserted after an anchor).

/** A failure planted by inserting `insert` as the line after the first line whose text is `after`. */
export interface Plant {
  kind: "test" | "compile";
  file: string;
  /** The whole text of the anchor line, trimmed. */
  after: string;
  insert: string;
}

export interface RealProject {
  /** owner/name on GitHub, fetched into /work/.mirror/owner+name/repo. */
  repo: string;
  ecosystem: "node" | "python" | "rust" | "go" | "java" | "c";
  /** Shell lines installing the dependencies by hand, run in the checkout. */
  prepare: string[];
  /** The project's own CI test commands (shell lines), run in the checkout as the baseline. */
  ci: string[];
  plants: Plant[];
  /** Extra PATH entries (relative to the checkout) for prepare, CI and nothing else. */
  path?: string[];
  /**
   * Java: build from this machine's Maven repository with Debian's packaged one copied over it
   * (bench/real-projects-maven.ts), for the CI commands and `slipway verify` alike.
   */
  mavenRepository?: "machine-and-debian";
  notes?: string;
}

export const realProjects: RealProject[] = [
  {
    repo: "tj/commander.js",
    ecosystem: "node",
    prepare: ["npm ci --no-audit --no-fund"],
    ci: ["npm test", "npm run check"],
    plants: [
      {
        kind: "test",
        file: "tests/args.literal.test.js",
        after: "const opts = program.opts();",
        insert: "    assert.equal(opts.foo, 'slipway-planted');",
      },
      {
        kind: "compile",
        file: "typings/index.d.ts",
        after: "// Type definitions for commander",
        insert: "export const slipwayPlanted: number = 'not a number';",
      },
    ],
  },
  {
    repo: "chalk/chalk",
    ecosystem: "node",
    prepare: ["npm install --no-audit --no-fund"],
    ci: ["npm test"],
    plants: [
      {
        kind: "test",
        file: "test/chalk.js",
        after: "t.is(chalk('foo'), 'foo');",
        insert: "\tt.is(chalk('foo'), 'bar');",
      },
      {
        kind: "compile",
        file: "source/index.d.ts",
        // Not right after the imports: xo would first report its own rule (newline-after-import) there.
        after: "export const colors: readonly ColorName[];",
        insert: "export const slipwayPlanted: number = 'not a number';",
      },
    ],
  },
  {
    repo: "sindresorhus/escape-string-regexp",
    ecosystem: "node",
    prepare: ["npm install --no-audit --no-fund"],
    ci: ["npm test"],
    plants: [
      {
        kind: "test",
        file: "test.js",
        after: "test('main', t => {",
        insert: "\tt.is(escapeStringRegexp('a'), 'b');",
      },
      {
        kind: "compile",
        file: "index.d.ts",
        after: "export default function escapeStringRegexp(string: string): string;",
        insert: "export const slipwayPlanted: number = 'not a number';",
      },
    ],
  },
  {
    repo: "pillarjs/path-to-regexp",
    ecosystem: "node",
    prepare: ["npm install --no-audit --no-fund"],
    ci: ["npm test"],
    plants: [
      {
        kind: "test",
        file: "src/index.spec.ts",
        after: 'describe("path-to-regexp", () => {',
        insert: '  it("slipway planted", () => { expect(1).toBe(2); });',
      },
      {
        kind: "compile",
        file: "src/index.ts",
        after: "function escapeText(str: string) {",
        insert: '  const slipwayPlanted: number = "not a number";',
      },
    ],
  },
  {
    repo: "unjs/defu",
    ecosystem: "node",
    // `slipway setup` provides the pinned pnpm; see bench/real-projects.ts for this machine's caveat.
    prepare: ["pnpm install --frozen-lockfile"],
    ci: ["pnpm lint", "pnpm build", "pnpm test:types", "pnpm vitest run --coverage"],
    path: ["node_modules/.slipway-corepack/bin"],
    plants: [
      {
        kind: "test",
        file: "test/defu.test.ts",
        after: 'expect(result).toEqual({ a: "c", d: "c" });',
        insert: '    expect(result).toEqual({ slipway: "planted" });',
      },
      {
        kind: "compile",
        file: "src/defu.ts",
        after: "export function createDefu(merger?: Merger): DefuFunction {",
        insert: '  const slipwayPlanted: number = "not a number";',
      },
    ],
  },
  {
    repo: "benjaminp/six",
    ecosystem: "python",
    prepare: [],
    // CI runs `python -m tox` with TOXENV=py: the py environment's `python -m pytest -rfsxX` only.
    ci: ["python3 -m pytest -rfsxX"],
    plants: [
      {
        kind: "test",
        file: "test_six.py",
        after: "def test_add_doc():",
        insert: "    assert 1 == 2, 'slipway planted'",
      },
      {
        kind: "compile",
        file: "six.py",
        after: '"""Utilities for writing code that runs on Python 2 and 3"""',
        insert: "def slipway_planted(:",
      },
    ],
  },
  {
    repo: "hukkin/tomli",
    ecosystem: "python",
    // CI installs the package first (`pip install .`, which needs flit_core from PyPI): a .venv whose
    // .pth puts src/ on the path does the same offline.
    prepare: [
      "python3 -m venv .venv",
      `.venv/bin/python -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'tomli-src.pth').write_text('../../../../src')"`,
    ],
    ci: [".venv/bin/python -m unittest"],
    plants: [
      {
        kind: "test",
        file: "tests/test_misc.py",
        after: "def test_load(self):",
        insert: "        self.assertEqual(1, 2, 'slipway planted')",
      },
      {
        kind: "compile",
        file: "src/tomli/_parser.py",
        after: '"""Parse TOML from a string."""',
        insert: "    return (",
      },
    ],
  },
  {
    repo: "servo/rust-fnv",
    ecosystem: "rust",
    prepare: [],
    ci: ["cargo build --verbose", "cargo test --verbose", "cargo fmt --check"],
    plants: [
      {
        kind: "test",
        file: "lib.rs",
        after: "fn basic_tests() {",
        insert: '        assert_eq!(1, 2, "slipway planted");',
      },
      {
        kind: "compile",
        file: "lib.rs",
        after: "fn finish(&self) -> u64 {",
        insert: '        let _planted: u32 = "x";',
      },
    ],
  },
  {
    repo: "bluss/scopeguard",
    ecosystem: "rust",
    prepare: [],
    ci: ["cargo build", "cargo test", "cargo test --no-default-features"],
    plants: [
      {
        kind: "test",
        file: "src/lib.rs",
        after: "fn test_defer() {",
        insert: '        assert_eq!(1, 2, "slipway planted");',
      },
      {
        kind: "compile",
        file: "src/lib.rs",
        after: "fn test_defer_success_1() {",
        insert: '        let _planted: u32 = "x";',
      },
    ],
  },
  {
    repo: "google/uuid",
    ecosystem: "go",
    prepare: [],
    ci: ["go test -v ./..."],
    plants: [
      {
        kind: "test",
        file: "uuid_test.go",
        after: "func TestNew(t *testing.T) {",
        insert: '\tt.Errorf("slipway planted")',
      },
      {
        kind: "compile",
        file: "util.go",
        after: "func randomBits(b []byte) {",
        insert: '\tvar planted int = "x"',
      },
    ],
  },
  {
    repo: "julienschmidt/httprouter",
    ecosystem: "go",
    prepare: [],
    ci: ["go test ./..."],
    notes: "no CI workflow in the repository: go test ./... is what its README and Travis history ran",
    plants: [
      {
        kind: "test",
        file: "path_test.go",
        after: "func TestPathClean(t *testing.T) {",
        insert: '\tt.Errorf("slipway planted")',
      },
      {
        kind: "compile",
        file: "path.go",
        after: "func CleanPath(p string) string {",
        insert: '\tvar planted int = "x"',
      },
    ],
  },
  {
    repo: "DaveGamble/cJSON",
    ecosystem: "c",
    prepare: [],
    ci: ["mkdir -p build && cd build && cmake .. && make && make test"],
    plants: [
      {
        kind: "test",
        file: "tests/parse_number.c",
        after: 'TEST_ASSERT_NOT_NULL_MESSAGE(number_item, "Item is NULL.");',
        insert: "    TEST_ASSERT_EQUAL_INT(1, 2);",
      },
      {
        kind: "compile",
        file: "cJSON.c",
        after: "static error global_error = { NULL, 0 };",
        insert: "static int slipway_planted = slipway_undeclared;",
      },
    ],
  },
  {
    repo: "kgabis/parson",
    ecosystem: "c",
    prepare: [],
    ci: ["make all"],
    plants: [
      {
        kind: "test",
        file: "tests.c",
        after: 'TEST((val = json_parse_file(get_file_path("test_1_1.txt"))) != NULL);',
        insert: "    TEST(1 == 2);",
      },
      {
        kind: "compile",
        file: "parson.c",
        after: "static int parson_escape_slashes = 1;",
        insert: "static int slipway_planted = slipway_undeclared;",
      },
    ],
  },
  {
    repo: "stleary/JSON-java",
    ecosystem: "java",
    prepare: [],
    ci: ["mvn -B -o test"],
    mavenRepository: "machine-and-debian",
    notes:
      "offline Maven cannot resolve the build extension the pom declares (maven-bundle-plugin 5.1.9), in neither repository",
    plants: [],
  },
  {
    repo: "jeremyh/jBCrypt",
    ecosystem: "java",
    prepare: [],
    // No CI file: Maven's own test phase, as the README's "JUnit regression tests" are run.
    ci: ["mvn -B -o test"],
    mavenRepository: "machine-and-debian",
    notes: "no CI config in the repository: `mvn test` (offline), Maven's own test phase",
    plants: [
      {
        kind: "test",
        file: "src/test/java/org/mindrot/TestBCrypt.java",
        after: "public void testInternationalChars() {",
        insert: '\t\tassertEquals("slipway", "planted");',
      },
      {
        kind: "compile",
        file: "src/main/java/org/mindrot/BCrypt.java",
        after: "private static final int BCRYPT_SALT_LEN = 16;",
        insert: '\tprivate static final int SLIPWAY_PLANTED = "not a number";',
      },
    ],
  },
];
