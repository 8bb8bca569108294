// Command-line splitting without a shell, and allowlist matching.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SlipwayConfig } from "../config/config-schema.ts";
import { formatArgv, matchAllowlist, parseCommandLine } from "./command-line.ts";

describe("parseCommandLine", () => {
  const splits: [string, string[]][] = [
    ["npm test", ["npm", "test"]],
    ["  node   -e  'console.log(1 | 2)'  ", ["node", "-e", "console.log(1 | 2)"]],
    ['node -e "console.log(\\"hi\\")"', ["node", "-e", 'console.log("hi")']],
    ["echo '' x", ["echo", "", "x"]],
    ["git log --format=%H one\\ word", ["git", "log", "--format=%H", "one word"]],
    ["npx tsc -p 'my dir'/tsconfig.json", ["npx", "tsc", "-p", "my dir/tsconfig.json"]],
    ["echo '$HOME && `x`'", ["echo", "$HOME && `x`"]],
  ];
  for (const [line, argv] of splits) {
    test(`splits ${line.trim()} into argv`, () => {
      assert.deepEqual(parseCommandLine(line), { ok: true, argv });
    });
  }

  const refused: [string, string][] = [
    ["npm test | head", '"|"'],
    ["npm test; rm -rf .", '";"'],
    ["npm install && npm test", '"&&"'],
    ["npm test > out.txt", '">"'],
    ["node < input.js", '"<"'],
    ["echo `whoami`", '"`"'],
    ["echo $(whoami)", '"$("'],
    ["echo $HOME", '"$H"'],
    ['echo "$(whoami)"', '"$(" inside double quotes'],
    ["npm test &", '"&"'],
  ];
  for (const [line, named] of refused) {
    test(`refuses ${line}, naming the shell operator`, () => {
      const parsed = parseCommandLine(line);
      assert.equal(parsed.ok, false);
      assert.ok(!parsed.ok && parsed.reason.startsWith(named), !parsed.ok ? parsed.reason : "");
      assert.ok(!parsed.ok && parsed.reason.includes("without a shell"));
    });
  }

  test("refuses an unclosed quote and an empty command", () => {
    assert.deepEqual(parseCommandLine("node -e 'x"), {
      ok: false,
      reason: "the command has an unclosed ' quote",
    });
    assert.deepEqual(parseCommandLine("   "), { ok: false, reason: "the command is empty" });
  });
});

describe("matchAllowlist", () => {
  test("a program entry allows that program with any arguments", () => {
    assert.equal(matchAllowlist(["node", "-e", "1"], ["npm test", "node"]), "node");
  });

  test("a program-plus-arguments entry needs argv to start with all its words", () => {
    assert.equal(matchAllowlist(["npm", "test", "--", "--grep", "x"], ["npm test"]), "npm test");
    assert.equal(matchAllowlist(["npm", "install", "left-pad"], ["npm test"]), undefined);
    assert.equal(matchAllowlist(["npm"], ["npm test"]), undefined);
  });

  test("the default allows every supported ecosystem's test and build entry points, and not their installers", () => {
    const { allowlist } = SlipwayConfig.parse({}).commands;
    const allowed = [
      "npm test",
      "pnpm run build",
      "yarn test",
      "python3 -m pytest -x tests",
      "pytest -q",
      "cargo test --all",
      "cargo build",
      "cargo check",
      "go test ./...",
      "go build ./...",
      "go vet ./...",
      "mvn -q test",
      "./mvnw verify",
      "gradle test",
      "./gradlew build",
      "make test",
      "make check",
      "make -C build",
      "cmake -S . -B build",
      "cmake --build build",
      "ctest --test-dir build",
      "gcc -c x.c",
    ];
    for (const line of allowed) assert.ok(matchAllowlist(line.split(" "), allowlist), `${line} is refused`);
    const refused = [
      "npm install x",
      "pip install x",
      "python3 -c 1",
      "cargo install x",
      "go run .",
      "go get x",
      "curl x",
    ];
    for (const line of refused) assert.equal(matchAllowlist(line.split(" "), allowlist), undefined, line);
  });

  test("a path to an allowlisted program's name does not match", () => {
    assert.equal(matchAllowlist(["./node", "x"], ["node"]), undefined);
  });
});

test("formatArgv quotes only the words that need it", () => {
  assert.equal(formatArgv(["node", "-e", "console.log('a b')"]), `node -e 'console.log('\\''a b'\\'')'`);
});
