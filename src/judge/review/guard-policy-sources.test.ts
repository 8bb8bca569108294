import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../core/errors.ts";
import { GuardPolicy } from "../guards/guard.ts";
import { parseRepoGuardSection, resolveGuardPolicy } from "./guard-policy-sources.ts";

const platform = GuardPolicy.parse({ maxFilesChanged: 20 });
test("the repository's guards override the platform's key by key", () => {
  const section = parseRepoGuardSection(".slipway.yml", "verify: {}\nguards:\n  maxLinesChanged: 10\n");
  const policy = resolveGuardPolicy(platform, section, {});
  assert.equal(policy.maxLinesChanged, 10);
  assert.equal(policy.maxFilesChanged, 20);
});

test("without a guards section the platform policy stands", () => {
  const policy = resolveGuardPolicy(platform, parseRepoGuardSection(".slipway.yml", "verify: {}\n"), {});
  assert.deepEqual(policy, platform);
});

test("a task's paths replace the repository's and its grants add to them", () => {
  const policy = resolveGuardPolicy(
    platform,
    { allowedPaths: ["lib/**"], allowProtected: ["go.mod"], allowBinary: ["fixtures/**"] },
    {
      allowedPaths: ["docs/**"],
      allowProtected: ["package.json"],
      allowBinary: ["test/data/**"],
    },
  );
  assert.deepEqual(policy.allowedPaths, ["docs/**"]);
  assert.deepEqual(policy.allowProtected, ["go.mod", "package.json"]);
  assert.deepEqual(policy.allowBinary, ["fixtures/**", "test/data/**"]);
});

test("a bad value in .slipway.yml names the file and the key", () => {
  assert.throws(
    () => resolveGuardPolicy(platform, { maxFilesChanged: "many" }, {}),
    (error) =>
      ConfigError.isInstance(error) && /^\.slipway\.yml: guards\.maxFilesChanged: /.test(error.message),
  );
  assert.throws(
    () => resolveGuardPolicy(platform, { maxFiles: 3 }, {}),
    (error) => ConfigError.isInstance(error) && /maxFiles/.test(error.message),
  );
});

test("a guards section that is not a mapping is refused", () => {
  assert.throws(
    () => parseRepoGuardSection(".slipway.yml", "guards: [1, 2]\n"),
    (error) => ConfigError.isInstance(error),
  );
});
