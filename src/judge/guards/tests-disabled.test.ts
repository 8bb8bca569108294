// Tests for the tests-disabled guard on real diffs: skip markers, removed tests, deleted test files.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, diffOfChange, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { type GuardFinding, GuardPolicy } from "./guard.ts";
import { testsDisabledGuard } from "./tests-disabled.ts";

const jsTests =
  'import { it } from "node:test";\n\nit("parses dates", () => {\n  check(1);\n});\n\nit("formats dates", () => {\n  check(2);\n});\n';
const policy = GuardPolicy.parse({});
const where = (findings: GuardFinding[]) => findings.map(({ guard, file, line }) => ({ guard, file, line }));

describe("tests-disabled guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("reports skip and focus markers added in each language, on their lines", async () => {
    const diff = await diffOfChange(
      repo,
      {
        "src/date.test.ts": jsTests,
        "src/lib.rs": "#[test]\nfn adds() {}\n",
        "util_test.go": "package util\n",
      },
      {
        "src/date.test.ts": jsTests
          .replace('it("formats', 'it.only("formats')
          .replace('it("parses', 'it.skip("parses'),
        "src/lib.rs": "#[test]\n#[ignore]\nfn adds() {}\n",
        "util_test.go": 'package util\n\nfunc TestUtil(t *testing.T) {\n\tt.Skip("flaky")\n}\n',
        "tests/test_api.py":
          "import pytest\n\n@pytest.mark.skip(reason='slow')\ndef test_api():\n    assert call()\n",
        "src/test/java/ApiTest.java": "class ApiTest {\n  @Disabled\n  @Test\n  void works() {}\n}\n",
      },
    );
    const findings = testsDisabledGuard.check(diff, policy);
    assert.deepEqual(
      where(findings).sort((a, b) => a.file.localeCompare(b.file) || a.line! - b.line!),
      [
        { guard: "tests-disabled", file: "src/date.test.ts", line: 3 },
        { guard: "tests-disabled", file: "src/date.test.ts", line: 7 },
        { guard: "tests-disabled", file: "src/lib.rs", line: 2 },
        { guard: "tests-disabled", file: "src/test/java/ApiTest.java", line: 2 },
        { guard: "tests-disabled", file: "tests/test_api.py", line: 3 },
        { guard: "tests-disabled", file: "util_test.go", line: 4 },
      ],
    );
    assert.match(findings.find(({ line }) => line === 7)!.message, /`it\.only` was added/);
  });

  test("reports a removed test case at its line in the old file", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/date.test.ts": jsTests },
      { "src/date.test.ts": jsTests.replace('\nit("formats dates", () => {\n  check(2);\n});\n', "") },
    );
    const findings = testsDisabledGuard.check(diff, policy);
    assert.deepEqual(where(findings), [{ guard: "tests-disabled", file: "src/date.test.ts", line: 7 }]);
    assert.match(findings[0]!.message, /the test "formats dates" was removed/);
  });

  test("reports a Rust test whose #[test] attribute was removed", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/lib.rs": "fn helper() {}\n\n#[test]\nfn adds() {\n    assert_eq!(1 + 1, 2);\n}\n" },
      { "src/lib.rs": "fn helper() {}\n\nfn adds() {\n    assert_eq!(1 + 1, 2);\n}\n" },
    );
    const findings = testsDisabledGuard.check(diff, policy);
    assert.deepEqual(where(findings), [{ guard: "tests-disabled", file: "src/lib.rs", line: 3 }]);
    assert.match(findings[0]!.message, /"adds"/);
  });

  test("reports a deleted test file once, without a line", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/date.test.ts": jsTests, "src/date.ts": "x\n" },
      { "src/date.test.ts": null },
    );
    const findings = testsDisabledGuard.check(diff, policy);
    assert.deepEqual(where(findings), [
      { guard: "tests-disabled", file: "src/date.test.ts", line: undefined },
    ]);
    assert.match(findings[0]!.message, /the test file src\/date\.test\.ts \(2 tests\) was deleted/);
  });

  test("accepts tests moved to another file and re-indented markers that were already there", async () => {
    const skipped = 'describe("old", () => {\n  it.skip("waits", () => {});\n});\n';
    const diff = await diffOfChange(
      repo,
      { "src/date.test.ts": jsTests, "src/old.test.ts": skipped, "test/all.test.ts": "// all tests\n" },
      {
        // An existing file receives the tests, so git reports a deletion, not a rename.
        "src/date.test.ts": null,
        "test/all.test.ts": `// all tests\n${jsTests.replaceAll("check(", "verify(")}`,
        "src/old.test.ts": skipped.replace("  it.skip", "    it.skip"),
      },
    );
    assert.equal(diff.files.find(({ path }) => path === "src/date.test.ts")?.status, "deleted");
    assert.deepEqual(testsDisabledGuard.check(diff, policy), []);
  });

  test("reports a test file renamed or moved to where its runner no longer collects it", async () => {
    repo.write("src/date.test.ts", jsTests);
    repo.write("test/feed.test.ts", jsTests.replaceAll("date", "feed"));
    repo.write("tests/test_io.py", "def test_reads():\n    assert True\n");
    repo.write("test/keep.test.ts", jsTests.replaceAll("date", "keep"));
    const base = repo.commit();
    repo.move("src/date.test.ts", "src/date.test.ts.bak");
    repo.move("test/feed.test.ts", "attic/feed.test.ts");
    repo.move("tests/test_io.py", "tests/io_checks.py");
    repo.move("test/keep.test.ts", "test/unit/keep.test.ts");
    const diff = await repo.diff(base);
    assert.deepEqual(
      diff.files.map(({ status }) => status),
      ["renamed", "renamed", "renamed", "renamed"],
    );
    const findings = testsDisabledGuard.check(diff, policy);
    assert.deepEqual(findings.map(({ file }) => file).sort(), [
      "attic/feed.test.ts",
      "src/date.test.ts.bak",
      "tests/io_checks.py",
    ]);
    assert.match(
      findings.find(({ file }) => file === "src/date.test.ts.bak")!.message,
      /src\/date\.test\.ts was renamed to src\/date\.test\.ts\.bak, where the test runner no longer finds it/,
    );
  });

  test("reports a deleted test file whose tests reappear only where no runner collects them", async () => {
    // Enough new lines that git sees a deletion and an addition, not a rename.
    const parked = Array.from({ length: 40 }, (_, index) => `// parked ${index}\n`).join("");
    const diff = await diffOfChange(
      repo,
      { "test/date.test.ts": jsTests },
      {
        "test/date.test.ts": null,
        "attic/date.test.ts": `${parked}${jsTests.replaceAll("check(", "verify(")}`,
      },
    );
    assert.equal(diff.files.find(({ path }) => path === "test/date.test.ts")?.status, "deleted");
    assert.deepEqual(where(testsDisabledGuard.check(diff, policy)), [
      { guard: "tests-disabled", file: "test/date.test.ts", line: undefined },
    ]);
  });

  test("accepts .skip( outside tests and finds nothing when the policy allows test changes", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/date.test.ts": jsTests, "src/main/java/Feed.java": "class Feed {}\n" },
      {
        "src/date.test.ts": jsTests
          .replace('it("parses', 'it.skip("parses')
          .replace(/\nit\("formats[\s\S]*$/, "\n"),
        "src/main/java/Feed.java":
          "class Feed {\n  List<Item> page() { return items.stream().skip(10).toList(); }\n}\n",
      },
    );
    assert.equal(testsDisabledGuard.check(diff, policy).length, 2);
    const permissive = GuardPolicy.parse({ allowTestChanges: { skips: true, removals: true } });
    assert.deepEqual(testsDisabledGuard.check(diff, permissive), []);
  });

  test("reports a test that stops testing without a skip marker (red team R17)", async () => {
    const jsTest = (body: string, head = "") =>
      `import assert from "node:assert/strict";\nimport { test } from "node:test";\n${head}\ntest("rejects a wrong password", () => {\n${body}\n});\n`;
    const asserts = '  assert.equal(check({ pw: "x" }, "bad"), false);';
    const pyTest = "import auth\n\ndef test_rejects():\n    assert auth.check('x', 'bad') is False\n";
    const goTest =
      'package auth\nimport "testing"\nfunc TestRejects(t *testing.T) {\n\tif Check("x", "bad") { t.Fatal("accepted") }\n}\n';
    const names = ["weakened", "early", "alias", "env", "helper"].map((name) => `test/${name}.test.js`);
    const before = Object.fromEntries(
      names.map((name) => [name, jsTest(asserts, "function helper() {\n  return 1;\n}")]),
    );
    const diff = await diffOfChange(
      repo,
      { ...before, "tests/test_try.py": pyTest, "tests/test_gone.py": pyTest, "auth_test.go": goTest },
      {
        "test/weakened.test.js": jsTest("  assert.ok(true);", "function helper() {\n  return 1;\n}"),
        "test/early.test.js": jsTest(`  return;\n${asserts}`, "function helper() {\n  return 1;\n}"),
        "test/alias.test.js": jsTest(asserts, "function helper() {\n  return 1;\n}").replace(
          'import { test } from "node:test";',
          'import { test as real } from "node:test";\nconst test = real.skip;',
        ),
        "test/env.test.js": jsTest(
          `  if (!process.env.SLOW) return;\n${asserts}`,
          "function helper() {\n  return 1;\n}",
        ),
        // Not a test body: a helper may return first; the assertions are the same in number.
        "test/helper.test.js": jsTest(
          `  assert.equal(check({ pw: "y" }, "bad"), false);`,
          "function helper() {\n  return 2;\n}",
        ),
        "tests/test_try.py": pyTest.replace(
          "    assert auth.check('x', 'bad') is False\n",
          "    try:\n        assert auth.check('x', 'bad') is False\n    except AssertionError:\n        pass\n",
        ),
        "tests/test_gone.py": pyTest.replace(
          "    assert auth.check('x', 'bad') is False\n",
          "    auth.check('x', 'bad')\n",
        ),
        "auth_test.go": goTest.replace(
          "{\n\tif Check",
          "{\n\tif testing.Short() || true { return }\n\tif Check",
        ),
      },
    );
    const findings = testsDisabledGuard.check(diff, policy);
    assert.deepEqual(
      findings
        .map(({ file, line, message }) => `${file}:${line ?? ""} ${message.split(" ").slice(0, 4).join(" ")}`)
        .sort(),
      [
        "auth_test.go:4 `if testing.Short() || true",
        "test/alias.test.js:3 `= real.skip;` was added",
        "test/early.test.js:7 `return;` ends a test",
        "test/env.test.js:7 `if (!process.env.SLOW) return;` ends",
        "test/weakened.test.js: test/weakened.test.js asserts less than",
        "tests/test_gone.py: tests/test_gone.py asserts less than",
        "tests/test_try.py:6 `except AssertionError` was added",
      ],
    );
    const allowed = GuardPolicy.parse({ allowTestChanges: { skips: true, removals: true } });
    assert.deepEqual(testsDisabledGuard.check(diff, allowed), []);
  });
});
