// Finding credential files two levels into a mounted directory, on a fixture tree: always-secret
// names, configuration files only when they hold a secret, links by where they lead.
import assert from "node:assert/strict";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { credentialFilesIn } from "./credential-files.ts";
import { tempDirectory } from "./sandbox.contract.ts";

function file(name: string, text: string): string {
  mkdirSync(path.dirname(name), { recursive: true });
  writeFileSync(name, text);
  return name;
}

describe("credential files in a mounted directory", () => {
  const scratch = tempDirectory("credential-files");
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const tool = path.join(scratch, "opt", "tool");
  const outside = file(path.join(scratch, "elsewhere", "token"), "secret\n");

  const expected = [
    file(path.join(tool, "credentials.toml"), '[registry]\ntoken = "cio"\n'),
    file(path.join(tool, ".docker", "config.json"), '{"auths":{}}\n'),
    file(path.join(tool, "share", ".netrc"), "machine x login y password z\n"),
    file(path.join(tool, "etc", "npmrc"), "//registry.npmjs.org/:_authToken=npm_secret\n"),
    file(path.join(tool, "conf", "settings.xml"), "<settings><servers><server><password>p</password>"),
    file(
      path.join(tool, "venv", "pip.conf"),
      "[global]\nindex-url = https://user:pass@pypi.example/simple\n",
    ),
    file(path.join(tool, "lib", "keys", "real-credentials"), "aws\n"),
    // A cargo home (the rust image's /usr/local/cargo when /usr/local is scanned): its config whole.
    file(path.join(tool, "cargo", "config.toml"), '[registries.x]\ntoken = "t"\n'),
  ];
  file(path.join(tool, "cargo", "bin", "cargo"), "#!/bin/sh\n");

  test("finds secrets at two levels, configuration files only with a secret in them, and links by their target", () => {
    // Not secrets: a global npmrc with only a CA file, an index without a password, Maven settings
    // without servers, a CA bundle; deeper than two levels is not looked at (bounded scan).
    file(path.join(tool, "lib", "etc", "npmrc"), "cafile=/etc/ssl/certs/ca-certificates.crt\n");
    file(path.join(tool, "pip.conf"), "[global]\nindex-url = https://pypi.example/simple\n");
    file(path.join(tool, "share", "conf", "settings.xml"), "<settings><mirrors/></settings>\n");
    file(path.join(tool, "lib", "cacert.pem"), "-----BEGIN CERTIFICATE-----\n");
    file(path.join(tool, "share", "config.toml"), "[settings]\n");
    file(path.join(tool, "lib", "deeper", "still", ".netrc"), "machine x\n");
    // A link is masked at its real target when that is inside the mounts, else it dangles inside.
    symlinkSync(path.join(tool, "lib", "keys", "real-credentials"), path.join(tool, "lib", "credentials"));
    symlinkSync(outside, path.join(tool, ".git-credentials"));

    assert.deepEqual(credentialFilesIn([tool], [tool]), [...expected].sort());
  });

  test("a missing or unreadable directory gives nothing", () => {
    assert.deepEqual(credentialFilesIn([path.join(scratch, "absent")], [scratch]), []);
  });
});
