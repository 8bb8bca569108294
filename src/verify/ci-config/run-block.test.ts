// Splitting a CI step's command text into plain commands: what is split, followed or refused.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { splitRunBlock } from "./run-block.ts";

const argvs = (block: string, cwd = ".") =>
  splitRunBlock(block, cwd, {}).commands.map((command) => command.argv);

describe("splitRunBlock", () => {
  test("splits a multi-line block into one command per line, comments and set -e left out", () => {
    assert.deepEqual(argvs("set -eux\n# lint first\nnpm run lint\n\nnpm test -- --reporter=dot\n"), [
      ["npm", "run", "lint"],
      ["npm", "test", "--", "--reporter=dot"],
    ]);
  });

  test("joins backslash-continued lines and splits && chains", () => {
    assert.deepEqual(argvs("cargo test \\\n  --workspace && cargo clippy"), [
      ["cargo", "test", "--workspace"],
      ["cargo", "clippy"],
    ]);
  });

  test("follows cd inside the repository and export for the commands after it", () => {
    const { commands } = splitRunBlock("cd packages/web\nexport CI=1\nFOO='a b' npm test", ".", { A: "1" });
    assert.deepEqual(commands, [
      {
        argv: ["npm", "test"],
        cwd: "packages/web",
        env: { A: "1", CI: "1", FOO: "a b" },
        text: "FOO='a b' npm test",
      },
    ]);
  });

  test("refuses lines that need a shell and says why, keeping the plain ones", () => {
    const { commands, skipped } = splitRunBlock(
      'npm test | tee log\necho "$HOME"\nmake check || true\nls *.txt\npytest',
      ".",
      {},
    );
    assert.deepEqual(
      commands.map((command) => command.argv),
      [["pytest"]],
    );
    assert.deepEqual(
      skipped.map((line) => line.text),
      ["npm test | tee log", 'echo "$HOME"', "make check || true", "ls *.txt"],
    );
    assert.match(skipped[1]!.reason, /variables/);
  });

  test("keeps shell characters inside single quotes as text", () => {
    assert.deepEqual(argvs("node -e 'console.log(1 | 2)'"), [["node", "-e", "console.log(1 | 2)"]]);
  });

  test("a cd that leaves the repository stops the commands after it", () => {
    const { commands, skipped } = splitRunBlock("cd ../other\nnpm test\ncd /tmp", ".", {});
    assert.deepEqual(commands, []);
    assert.deepEqual(
      skipped.map((line) => line.reason),
      ["it leaves the repository", "an earlier cd left the repository", "it leaves the repository"],
    );
  });

  test("expands variables the step's environment sets, outside single quotes, and refuses unknown ones", () => {
    const env = { TOX_ENV: "py312", ODD: "a;b" };
    const { commands, skipped } = splitRunBlock(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template
      "tox -e $TOX_ENV\necho '${TOX_ENV}'\ntox -e \"${TOX_ENV}\"\nmake $TARGET\nrun $ODD",
      ".",
      env,
    );
    assert.deepEqual(
      commands.map((command) => command.argv),
      [
        ["tox", "-e", "py312"],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template
        ["echo", "${TOX_ENV}"],
        ["tox", "-e", "py312"],
      ],
    );
    assert.deepEqual(
      skipped.map((line) => line.text),
      ["make $TARGET", "run $ODD"],
    );
  });
});
