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
});
