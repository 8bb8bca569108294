// Builds the tiny image the docker backend's tests and benchmark run, from local content only (no
// registry): empty mount points, a sandbox user 1000, and the host's /usr links; the toolchain
// itself comes from the host through `hostToolchainMounts`.
import { execFile } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { systemDirectories } from "../bwrap/toolchain-mounts.ts";
import {
  connectEngine,
  controlTimeoutMs,
  defaultSocketPath,
  engineStatus,
  engineUnreachableReason,
  withinTime,
} from "./docker-engine.ts";

const run = promisify(execFile);

/** The tag the tests use; bump the version when the image's content changes. */
export const testImage = "slipway-sandbox-test:1";
/** A second test image that brings its own (tiny) toolchain, like a production image does. */
export const selfContainedTestImage = "slipway-sandbox-test-self-contained:2";
/** Where that image keeps its programs: a PATH entry no host has, to tell the image's PATH apart. */
export const selfContainedBin = "/opt/image-tools/bin";
const selfContainedPrograms: Record<string, string> = {
  sh: "/bin/sh",
  setsid: "/usr/bin/setsid",
  setpriv: "/usr/bin/setpriv",
  sleep: "/bin/sleep",
  cat: "/bin/cat",
  env: "/usr/bin/env",
  id: "/usr/bin/id",
  ls: "/bin/ls",
  mkdir: "/bin/mkdir",
  yes: "/usr/bin/yes",
  head: "/usr/bin/head",
};

const passwd = "root:x:0:0:root:/root:/bin/sh\nsandbox:x:1000:1000:sandbox:/home/sandbox:/bin/sh\n";
const group = "root:x:0:\nsandbox:x:1000:\n";

/** Lay out the root filesystem in `root`: host links mirrored, other system directories empty. */
function writeRootfs(root: string): void {
  for (const directory of ["etc", "tmp", "workspace", "home/sandbox", "proc", "dev", "sys", "root"])
    mkdirSync(path.join(root, directory), { recursive: true });
  for (const directory of systemDirectories) {
    const stat = lstatSync(directory, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) symlinkSync(readlinkSync(directory), path.join(root, directory));
    else if (stat?.isDirectory()) mkdirSync(path.join(root, directory));
  }
  // The engine bind-mounts its init at /sbin/docker-init: /sbin must be a directory of the image,
  // not a link into the read-only /usr mounted from the host.
  const sbin = path.join(root, "sbin");
  if (lstatSync(sbin, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(sbin);
  mkdirSync(sbin, { recursive: true });
  writeFileSync(path.join(root, "etc", "passwd"), passwd);
  writeFileSync(path.join(root, "etc", "group"), group);
}

/**
 * Pack `root` as a tar owned by root, except /home/sandbox (owned by 1000, mode 0700); /tmp is 1777;
 * each of `privateDirectories` (top-level names, e.g. `root`) is root's alone (0700), as Debian's /root.
 */
async function packRootfs(root: string, tarPath: string, privateDirectories: string[] = []): Promise<void> {
  const owned = (user: number) => ["--numeric-owner", `--owner=${user}`, `--group=${user}`];
  const options = { timeout: controlTimeoutMs };
  await run(
    "tar",
    [
      ...owned(0),
      "--mode=u=rwX,go=rX",
      "--exclude=./home/sandbox",
      "--exclude=./tmp",
      ...privateDirectories.map((name) => `--exclude=./${name}`),
      "-C",
      root,
      "-cf",
      tarPath,
      ".",
    ],
    options,
  );
  for (const name of privateDirectories)
    await run("tar", [...owned(0), "--mode=go-rwx", "-C", root, "-rf", tarPath, `./${name}`], options);
  await run(
    "tar",
    [...owned(0), "--mode=1777", "--no-recursion", "-C", root, "-rf", tarPath, "./tmp"],
    options,
  );
  await run(
    "tar",
    [...owned(1000), "--mode=0700", "--no-recursion", "-C", root, "-rf", tarPath, "./home/sandbox"],
    options,
  );
}

/** Import `root` as image `name` (with Dockerfile-style `changes` such as `ENV PATH=…`). */
async function importRootfs(
  socketPath: string | undefined,
  root: string,
  name: string,
  changes: string[],
  privateDirectories: string[] = [],
) {
  const docker = connectEngine(socketPath);
  const tarPath = `${root}.tar`;
  await packRootfs(root, tarPath, privateDirectories);
  const [repo, tag] = name.split(":");
  const progress = await docker.importImage(tarPath, { repo, tag, changes });
  await new Promise<void>((resolve, reject) => {
    progress.on("error", reject);
    progress.on("end", () => resolve());
    progress.resume();
  });
  await docker.getImage(name).inspect();
}

/** Build image `name` with `fill(root)` unless the engine has it already; returns the name. */
async function ensureImage(
  socketPath: string | undefined,
  name: string,
  fill: (root: string) => Promise<void> | void,
  changes: string[] = [],
  privateDirectories: string[] = [],
): Promise<string> {
  try {
    await connectEngine(socketPath).getImage(name).inspect();
    return name;
  } catch (error) {
    if (engineStatus(error) !== 404) throw error;
  }
  const scratch = mkdtempSync(path.join(tmpdir(), "slipway-docker-image-"));
  try {
    const root = path.join(scratch, "rootfs");
    writeRootfs(root);
    await fill(root);
    await importRootfs(socketPath, root, name, changes, privateDirectories);
    return name;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Make sure the engine at `socketPath` has the test image (mount points only: it runs with
 * `hostToolchainMounts`), importing it when missing; returns its name. Needs `tar` on the host.
 */
export function ensureTestImage(socketPath?: string): Promise<string> {
  return ensureImage(socketPath, testImage, () => undefined);
}

/** A test image that declares a VOLUME (at `volumeTestDirectory`), as many published images do. */
export const volumeTestImage = "slipway-sandbox-test-volume:1";
/** The directory `volumeTestImage` declares as a VOLUME. */
export const volumeTestDirectory = "/data";

/** Make sure the engine has `volumeTestImage` (like the test image, plus its VOLUME); returns its name. */
export function ensureVolumeTestImage(socketPath?: string): Promise<string> {
  return ensureImage(socketPath, volumeTestImage, (root) => mkdirSync(path.join(root, volumeTestDirectory)), [
    `VOLUME ${volumeTestDirectory}`,
  ]);
}

/** A test image whose /root is root's alone (0700) and holds a file, as Debian-based images have it. */
export const privateRootTestImage = "slipway-sandbox-test-private-root:1";

/** Make sure the engine has `privateRootTestImage`; returns its name. */
export function ensurePrivateRootTestImage(socketPath?: string): Promise<string> {
  const fill = (root: string) => writeFileSync(path.join(root, "root", ".profile"), "# the image's own\n");
  return ensureImage(socketPath, privateRootTestImage, fill, [], ["root"]);
}

/** The shared libraries and loader `program` needs, from `ldd`. */
async function librariesOf(program: string): Promise<string[]> {
  const { stdout } = await run("ldd", [program], { timeout: controlTimeoutMs });
  return [...stdout.matchAll(/(\/\S+) \(0x/g)].map((match) => match[1] ?? "").filter(Boolean);
}

/** Copy host file `source` to `target` inside `root`, through the links the rootfs mirrors. */
function copyInto(root: string, source: string, target: string): void {
  const destination = path.join(root, target);
  mkdirSync(path.dirname(destination), { recursive: true });
  copyFileSync(realpathSync(source), destination);
  chmodSync(destination, 0o755);
}

/**
 * Make sure the engine has a self-contained image (a shell, setsid and a few coreutils with their
 * libraries copied from the host, PATH set by the image) for the default, no-host-mounts mode.
 * Needs `ldd` and `tar` on the host.
 */
export function ensureSelfContainedTestImage(socketPath?: string): Promise<string> {
  return ensureImage(
    socketPath,
    selfContainedTestImage,
    async (root) => {
      for (const directory of ["usr/bin", "usr/lib", "usr/lib64", "usr/sbin"])
        mkdirSync(path.join(root, directory), { recursive: true });
      for (const [name, program] of Object.entries(selfContainedPrograms)) {
        copyInto(root, program, path.join(selfContainedBin, name));
        for (const library of await librariesOf(program)) copyInto(root, library, library);
      }
    },
    [`ENV PATH=${selfContainedBin}:/usr/bin:/bin`],
  );
}

/**
 * Ready the engine for the docker tests: undefined when it answers and has the test image (imported
 * now if missing), else why the tests must be skipped.
 */
export async function dockerTestSkipReason(socketPath = defaultSocketPath): Promise<string | undefined> {
  try {
    await withinTime(connectEngine(socketPath).ping(), 5_000, "the engine");
  } catch (error) {
    return engineUnreachableReason(socketPath, error);
  }
  try {
    await ensureTestImage(socketPath);
  } catch (error) {
    return `the test image could not be built here (it needs tar): ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}
