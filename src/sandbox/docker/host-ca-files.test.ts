// Which host CA files a docker sandbox shows: only regular files the certificate variables name,
// at the named path, read-only; never a directory, a secret, the worktree or the container's own places.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { protectedHostPaths } from "../mount-safety.ts";
import { type ContainerSpec, containerDefinition } from "./container-config.ts";
import { hostCaFiles, maxCaFileBytes } from "./host-ca-files.ts";

// Not under /tmp: the container has its own /tmp, so a CA file there is never shown.
const root = mkdtempSync("/var/tmp/slipway-ca-files-");
after(() => rmSync(root, { recursive: true, force: true }));

test("only regular CA files named by the certificate variables are mounted, at the named path", () => {
  const home = path.join(root, "home");
  const worktree = path.join(root, "worktree");
  for (const directory of [home, worktree, path.join(home, ".ssh"), path.join(root, "certs")])
    mkdirSync(directory, { recursive: true });
  const bundle = path.join(root, "certs/bundle.pem");
  writeFileSync(bundle, "-----BEGIN CERTIFICATE-----\n");
  const linked = path.join(root, "certs/linked.pem");
  symlinkSync(bundle, linked);
  writeFileSync(path.join(home, ".ssh/id_ed25519"), "key");
  symlinkSync(path.join(home, ".ssh/id_ed25519"), path.join(root, "certs/innocent.pem"));
  writeFileSync(path.join(worktree, "ca.pem"), "planted");
  const huge = path.join(root, "certs/huge.pem");
  writeFileSync(huge, Buffer.alloc(maxCaFileBytes + 1));
  const guarded = protectedHostPaths([home], { roots: [worktree] });
  const mounts = hostCaFiles(worktree, guarded, {
    NODE_EXTRA_CA_CERTS: bundle,
    SSL_CERT_FILE: linked,
    REQUESTS_CA_BUNDLE: bundle,
    PIP_CERT: path.join(root, "certs/innocent.pem"),
    CURL_CA_BUNDLE: path.join(worktree, "ca.pem"),
    GIT_SSL_CAINFO: path.join(root, "certs"),
    SSL_CERT_DIR: path.join(root, "certs"),
  });
  assert.deepEqual(mounts, [
    { source: bundle, target: bundle },
    { source: bundle, target: linked },
  ]);
  for (const refused of ["relative.pem", "/proc/self/environ", "/tmp/x.pem", "/run/a.pem", huge])
    assert.deepEqual(hostCaFiles(worktree, guarded, { SSL_CERT_FILE: refused }), [], refused);

  const spec: ContainerSpec = {
    image: "node:24",
    name: "slipway-sandbox-test",
    worktree,
    identity: { uid: 1000, gid: 1000 },
    memoryMb: 512,
    maxProcesses: 100,
    maxFileMb: 64,
    cpus: 2,
    readOnlyDirectories: [],
    labels: {},
    ownerPid: 1,
    ownerHost: "builder",
    caFiles: mounts,
  };
  const binds = containerDefinition(spec).HostConfig?.Mounts ?? [];
  assert.deepEqual(
    binds.filter((mount) => mount.Source === bundle),
    mounts.map((file) => ({ Type: "bind", Source: bundle, Target: file.target, ReadOnly: true })),
  );
});
