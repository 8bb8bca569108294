// Tests for the hidden-characters guard on real diffs: Trojan Source reordering, zero-width names.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, diffOfChange, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { GuardPolicy } from "./guard.ts";
import { hiddenCharactersGuard } from "./hidden-characters.ts";

describe("hidden-characters guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("reports a bidirectional override anywhere and a zero-width space in source", async () => {
    const trojan = 'if (accessLevel != "user\u202e \u2066// Check if admin\u2069 \u2066") {\n';
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      {
        "src/auth.js": `const ok = 1;\n${trojan}`,
        "src/names.ts": "export const is\u200bAdmin = true;\n",
        "docs/notes.md": "Read \u202eme\n",
      },
    );
    const findings = hiddenCharactersGuard.check(diff, GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ file, line }) => `${file}:${line}`),
      ["docs/notes.md:1", "src/auth.js:2", "src/names.ts:1"],
    );
    assert.match(findings[1]!.message, /U\+202E/);
  });

  test("finds nothing in emoji, right-to-left text, a leading byte-order mark or zero-width in prose", async () => {
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      {
        "src/i18n.ts":
          '\ufeffexport const family = "\u{1f468}\u200d\u{1f469}\u200d\u{1f467}";\nexport const hello = "\u05e9\u05dc\u05d5\u05dd";\n',
        "docs/words.md": "soft\u200bbreak\n",
      },
    );
    assert.deepEqual(hiddenCharactersGuard.check(diff, GuardPolicy.parse({})), []);
  });
});
