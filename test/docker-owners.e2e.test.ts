// The docker sandbox on someone's own directory, run as root: a directory of two owners is refused
// with one line before the hand-over, by `slipway verify` and `slipway sandbox exec` alike, and
// every owner stays as it was (the hand-back would have given everything to root).
import assert from "node:assert/strict";
import { chownSync, lstatSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { removeLeftoverContainers } from "../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { tempDir } from "./helpers/git-fixture.ts";

const dockerReason = process.getuid?.() === 0 ? await dockerTestSkipReason() : "changing owners needs root";
const skip = dockerReason ? `docker sandbox as root unavailable here: ${dockerReason}` : false;

const made: string[] = [];
after(async () => {
  for (const directory of made) rmSync(directory, { recursive: true, force: true });
  if (!skip) await removeLeftoverContainers({ maxAgeMs: 60 * 60_000 });
});

test("verify and sandbox exec refuse a two-owner directory under docker and change no owner", {
  skip,
}, async () => {
  const config = tempDir("docker-owners-config");
  const checkout = tempDir("docker-owners");
  made.push(config, checkout);
  writeFileSync(
    path.join(config, "slipway.yaml"),
    `sandbox:\n  dockerImage: ${testImage}\n  dockerHostToolchain: true\n`,
  );
  writeFileSync(path.join(checkout, "package.json"), '{"scripts":{"test":"node -e 0"}}\n');
  writeFileSync(path.join(checkout, "user-file.txt"), "the user's\n");
  chownSync(path.join(checkout, "user-file.txt"), 1000, 1000);
  const owners = () =>
    ["", "package.json", "user-file.txt"].map((entry) => {
      const stat = lstatSync(path.join(checkout, entry));
      return `${stat.uid}:${stat.gid}`;
    });
  const before = owners();
  assert.deepEqual(before, ["0:0", "0:0", "1000:1000"]);
  const invocations = [
    ["verify", "--repo", checkout, "--sandbox", "docker"],
    ["sandbox", "exec", "--backend", "docker", "--repo", checkout, "--", "true"],
  ];
  for (const args of invocations) {
    const result = await runCli(args, { env: cliEnv({}), cwd: config });
    assert.notEqual(result.code, 0, `${args[0]}: ${result.stdout}${result.stderr}`);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, new RegExp(`is owned by 0:0 but ${path.join(checkout, "user-file.txt")} is not`));
    assert.deepEqual(owners(), before, `${args[0]} changed no owner`);
  }
});
