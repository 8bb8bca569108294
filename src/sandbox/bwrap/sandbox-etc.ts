// The sandbox's /etc: a few synthesized files plus an allowlist of harmless host entries, never
// the host's whole /etc (inside, root-owned host files look owned by the sandbox user, so
// anything mounted is readable: /etc/shadow must simply not be there).
import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { type MountStep, sandboxUser } from "./mount-step.ts";

/** Host /etc entries programs need to start, link and verify TLS; nothing with secrets. */
const hostEtcEntries = [
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "alternatives",
  "ssl/certs",
  "ssl/openssl.cnf",
  "pki/tls/certs",
  "pki/ca-trust/extracted",
  "localtime",
  "timezone",
  "nsswitch.conf",
  "protocols",
  "services",
  "mime.types",
  "os-release",
  // Debian's Maven launcher reads /usr/share/maven/bin/m2.conf, a link to /etc/maven/m2.conf, and
  // its logging setup; never /etc/maven/settings.xml (global settings may hold server passwords).
  "maven/m2.conf",
  "maven/logging",
] as const;

/** JDK configuration directories (`/usr/lib/jvm/*\/conf` links into them). */
const jdkConfigName = /^java-\d+-openjdk$/;

/** The synthesized files, by name under /etc: the sandbox user exists, localhost resolves. */
export function syntheticEtcFiles(): Record<string, string> {
  const { uid, gid, name, home } = sandboxUser;
  return {
    passwd: [
      "root:x:0:0:root:/root:/usr/sbin/nologin",
      `${name}:x:${uid}:${gid}:Slipway sandbox:${home}:/bin/sh`,
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
      "",
    ].join("\n"),
    group: ["root:x:0:", `${name}:x:${gid}:`, "nogroup:x:65534:", ""].join("\n"),
    hosts: "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
    hostname: "sandbox\n",
  };
}

/** Write the synthesized files into `directory` (a sandbox scratch dir). */
export async function writeSyntheticEtc(directory: string): Promise<void> {
  for (const [name, content] of Object.entries(syntheticEtcFiles())) {
    await writeFile(path.join(directory, name), content, { mode: 0o644 });
  }
}

function hostEntryStep(hostEtc: string, entry: string): MountStep | undefined {
  const source = path.join(hostEtc, entry);
  const target = path.posix.join("/etc", entry);
  try {
    const stat = lstatSync(source);
    // A link (e.g. localtime → /usr/share/zoneinfo/…) is recreated as a link: its target is under /usr.
    if (stat.isSymbolicLink()) return { kind: "symlink", linkTarget: readlinkSync(source), path: target };
    return { kind: "ro-bind", source, target };
  } catch {
    // Not present on this host (e.g. /etc/pki on Debian): nothing to mount.
    return undefined;
  }
}

function jdkConfigEntries(hostEtc: string): string[] {
  try {
    return readdirSync(hostEtc).filter((name) => jdkConfigName.test(name));
  } catch {
    // No readable /etc at all: the sandbox gets only the synthesized files.
    return [];
  }
}

/** The mount steps that build /etc from `syntheticDir` and the allowlisted host entries. */
export function etcSteps(syntheticDir: string, hostEtc = "/etc"): MountStep[] {
  const steps: MountStep[] = [{ kind: "dir", path: "/etc" }];
  for (const name of Object.keys(syntheticEtcFiles())) {
    steps.push({ kind: "ro-bind", source: path.join(syntheticDir, name), target: `/etc/${name}` });
  }
  for (const entry of [...hostEtcEntries, ...jdkConfigEntries(hostEtc)]) {
    const step = hostEntryStep(hostEtc, entry);
    if (step) steps.push(step);
  }
  return steps;
}
