// `slipway doctor` end to end: which sandbox backends work here and why not, node and git, and the
// exit code (0 when an isolating backend works, else 1).
import assert from "node:assert/strict";
import { chmodSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { bwrapKillMode, bwrapLimitModes, tmpfsCaps } from "../src/sandbox/bwrap/bwrap-limit-modes.ts";
import { bwrapSandboxBackend } from "../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import { type CliResult, cliEnv, runCli } from "./helpers/cli.ts";
import { tempDir } from "./helpers/git-fixture.ts";

const bwrap = await bwrapSandboxBackend.availability();
/** setpriv's arguments that drop to the nobody user: the host as an unprivileged platform sees it. */
const nobody = ["--reuid=65534", "--regid=65534", "--clear-groups", "--"];
const unprivilegedSkip =
  process.getuid?.() !== 0
    ? "not root: cannot become another user to see the unprivileged host"
    : !existsSync("/usr/bin/setpriv")
      ? "setpriv (util-linux) is not installed"
      : !bwrap.available
        ? `bwrap is unavailable here: ${bwrap.reason}`
        : false;
if (unprivilegedSkip) console.log(`# skipping doctor as an unprivileged user: ${unprivilegedSkip}`);

/** `slipway ARGS` as the nobody user. */
function runAsNobody(
  args: string[],
  options: { env: Record<string, string>; cwd: string },
): Promise<CliResult> {
  return runCli(args, { ...options, runAs: ["setpriv", ...nobody] });
}
const dockerSkip = await dockerTestSkipReason();

describe("slipway doctor", () => {
  const directories: string[] = [];
  after(() => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });
  /** A working directory whose slipway.yaml sets the docker image. */
  function projectWith(image: string): string {
    const directory = tempDir("doctor");
    directories.push(directory);
    writeFileSync(
      path.join(directory, "slipway.yaml"),
      `sandbox:\n  dockerImage: ${image}\n  dockerHostToolchain: true\n`,
    );
    return directory;
  }

  test("reports each backend, node and git, and exits 0 when an isolating backend works", {
    skip: bwrap.available ? false : `bwrap is unavailable here: ${bwrap.reason}`,
  }, async () => {
    const result = await runCli(["doctor"], { env: cliEnv({}), cwd: projectWith(testImage) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^node {4}v\d+\.\d+\.\d+ +ok$/m);
    assert.match(result.stdout, /^git {5}\d+\.\d+(\.\d+)? +ok$/m);
    assert.match(result.stdout, /^bwrap {3}works \(isolating\)$/m);
    assert.match(result.stdout, /^none {4}works \(no isolation: only when chosen explicitly\)$/m);
    // Doctor prints what making a sandbox's cgroups gives on this host, with the configured limits.
    const limits = await bwrapLimitModes(512, 4096);
    assert.ok(result.stdout.includes(`\nprocesses  ${limits.processes}\n`), result.stdout);
    assert.ok(result.stdout.includes(`\nmemory     ${limits.memory}\n`), result.stdout);
    const kill = await bwrapKillMode();
    assert.ok(result.stdout.includes(`\nkill       ${kill.kill}\n`), result.stdout);
    assert.ok(result.stdout.includes(`\ntmpfs      ${tmpfsCaps(4096, limits.wholeSandboxMemory)}\n`));
    if (limits.wholeSandboxMemory && kill.proven)
      assert.match(result.stdout, /^weaker {5}none: every protection above is in force$/m);
    assert.match(result.stdout, /^agents {5}share one sandbox per run /m);
    if (!dockerSkip) assert.match(result.stdout, /^docker {2}works \(isolating\)$/m);
    assert.match(result.stdout, /^sandbox.backend is "auto": runs use bwrap$/m);
    assert.match(result.stdout, /^ok: an isolating sandbox works here$/m);
    assert.match(result.stdout, /^bwrap toolchains \(sandbox\.toolchains\):$/m);
    assert.match(result.stdout, /^node +(mounted|system) +\//m);
  });

  test("as an unprivileged user: names what bwrap lacks, and a run refuses in one line unless it is accepted", {
    skip: unprivilegedSkip,
  }, async () => {
    const project = tempDir("doctor-weaker");
    directories.push(project);
    chmodSync(project, 0o777);
    const asNobody = (args: string[]) => runAsNobody(args, { env: cliEnv({ HOME: project }), cwd: project });
    const doctor = await asNobody(["doctor"]);
    assert.match(doctor.stdout, /^memory {5}4096 MiB per process \(RLIMIT_DATA\)/m);
    assert.match(doctor.stdout, /^kill {7}by the pid namespace .* not confirmed by the kernel/m);
    assert.match(doctor.stdout, /^weaker {5}memory-cgroup, kill-cgroup: not accepted .* refuse to start$/m);
    assert.match(
      doctor.stdout,
      /^disk {7}no quota \(disk quotas need root .*\): not accepted .* refuse to start$/m,
    );
    assert.match(
      doctor.stdout,
      /^sandbox.backend is "auto": runs cannot start: .*sandbox\.acceptWeaker: \["memory-cgroup","kill-cgroup"\]$/m,
    );
    const refused = await asNobody(["sandbox", "exec", "--backend", "bwrap", "--", "echo", "ran"]);
    assert.notEqual(refused.code, 0);
    assert.doesNotMatch(refused.stdout, /ran/);
    assert.match(
      refused.stderr,
      /^slipway: .*cannot give the bwrap sandbox memory-cgroup .*sandbox\.acceptWeaker/m,
    );
    assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
    writeFileSync(
      path.join(project, "slipway.yaml"),
      "sandbox:\n  acceptWeaker: [memory-cgroup, kill-cgroup]\n",
    );
    const accepted = await asNobody(["sandbox", "exec", "--backend", "bwrap", "--", "echo", "ran"]);
    assert.equal(accepted.stdout, "ran\n", accepted.stderr);
    const doctorAccepted = await asNobody(["doctor"]);
    assert.match(
      doctorAccepted.stdout,
      /^weaker {5}memory-cgroup, kill-cgroup: accepted by sandbox\.acceptWeaker$/m,
    );
    // Runs also need a disk quota, which an unprivileged user cannot make: accepted separately.
    assert.match(doctorAccepted.stdout, /^sandbox.backend is "auto": runs cannot start: no disk quota here/m);
    writeFileSync(
      path.join(project, "slipway.yaml"),
      "sandbox:\n  acceptWeaker: [memory-cgroup, kill-cgroup, disk-quota]\n",
    );
    const doctorAll = await asNobody(["doctor"]);
    assert.match(doctorAll.stdout, /^disk {7}no quota .*: accepted by sandbox\.acceptWeaker$/m);
    assert.match(doctorAll.stdout, /^sandbox.backend is "auto": runs use bwrap$/m);
  });

  test("without bwrap, git or the Docker image, says why and how to fix each, and exits 1", async () => {
    const emptyBin = tempDir("doctor-bin");
    directories.push(emptyBin);
    const env = cliEnv({ PATH: emptyBin });
    const result = await runCli(["doctor"], { env, cwd: projectWith("slipway-no-such-image:0") });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^bwrap {3}does not work: .*apt-get install bubblewrap/m);
    const docker = /^docker {2}does not work: (.*)$/m.exec(result.stdout)?.[1] ?? "";
    assert.match(docker, /"slipway-no-such-image:0" is not present locally|no Docker engine answers/);
    assert.match(result.stdout, /^git {5}missing +problem: .*install git/m);
    assert.match(result.stdout, /^sandbox.backend is "auto": runs cannot start/m);
    assert.match(result.stdout, /^no isolating sandbox works here: .*--sandbox none/m);
  });

  test("lists each configured toolchain and read-only mount: mounted, under /usr, or skipped and why", async () => {
    const project = tempDir("doctor-mounts");
    directories.push(project);
    const missing = path.join(project, "no-such-directory");
    writeFileSync(
      path.join(project, "slipway.yaml"),
      `sandbox:\n  toolchains: [node, slipway-no-such-tool]\n  readOnlyMounts: [${project}, ${missing}]\n`,
    );
    const text = await runCli(["doctor"], { env: cliEnv({}), cwd: project });
    assert.match(text.stdout, /^slipway-no-such-tool +skipped +not found on PATH$/m);
    assert.match(text.stdout, new RegExp(`^${missing} problem: it does not exist on this host`, "m"));
    const json = await runCli(["doctor", "--json"], { env: cliEnv({}), cwd: project });
    const report = JSON.parse(json.stdout) as {
      toolchains: { name: string; state: string; reason?: string }[];
      readOnlyMounts: { directory: string; ok: boolean }[];
    };
    assert.deepEqual(
      report.toolchains.map((toolchain) => toolchain.name),
      ["node", "slipway-no-such-tool"],
    );
    assert.ok(["mounted", "system"].includes(report.toolchains[0]?.state ?? ""), json.stdout);
    assert.deepEqual(report.toolchains[1], {
      name: "slipway-no-such-tool",
      state: "skipped",
      directories: [],
      reason: "not found on PATH",
    });
    assert.deepEqual(
      report.readOnlyMounts.map((mount) => [mount.directory, mount.ok]),
      [
        [project, true],
        [missing, false],
      ],
    );
  });

  test("refuses a read-only mount of ~/.ssh, naming the file and the key", async () => {
    const project = tempDir("doctor-ssh");
    directories.push(project);
    const file = path.join(project, "slipway.yaml");
    writeFileSync(file, `sandbox:\n  readOnlyMounts: [${homedir()}/.ssh]\n`);
    const result = await runCli(["doctor"], { env: cliEnv({}), cwd: project });
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      new RegExp(`${file}: sandbox\\.readOnlyMounts: ${homedir()}/\\.ssh cannot be mounted`),
    );
  });

  test("--json gives the same report for machines", async () => {
    const result = await runCli(["doctor", "--json"], { env: cliEnv({}), cwd: projectWith(testImage) });
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      backends: { name: string; isolates: boolean; works: boolean; reason?: string }[];
      tools: { name: string; ok: boolean }[];
    };
    assert.deepEqual(
      report.backends.map((backend) => [backend.name, backend.isolates]),
      [
        ["bwrap", true],
        ["docker", true],
        ["none", false],
      ],
    );
    assert.deepEqual(
      report.tools.map((tool) => tool.name),
      ["node", "git"],
    );
    assert.equal(result.code, report.ok ? 0 : 1);
    for (const backend of report.backends) assert.equal(backend.works, backend.reason === undefined);
  });
});
