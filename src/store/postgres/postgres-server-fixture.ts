// For tests: a throwaway Postgres server on a temporary directory and a free loopback port, run as
// a non-root user when the tests run as root, with a random password; stopped and removed after.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const commandTimeoutMs = 60_000;

export interface TestPostgres {
  /** postgres://slipway:<password>@127.0.0.1:<port>/postgres */
  url: string;
  stop: () => Promise<void>;
}

/** Where initdb and pg_ctl are: SLIPWAY_PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
function binDirectory(): string | undefined {
  const given = process.env.SLIPWAY_PG_BIN;
  if (given) return existsSync(path.join(given, "initdb")) ? given : undefined;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(path.join(root, name, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], "bin");
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no loopback port was assigned");
  return address.port;
}

/** Postgres refuses to run as root: as root, run its tools as the `postgres` user the package creates. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

async function chownForServer(directory: string): Promise<void> {
  if (userInfo().uid !== 0) return;
  const { stdout } = await run("id", ["-u", "postgres"], { timeout: commandTimeoutMs });
  const { stdout: group } = await run("id", ["-g", "postgres"], { timeout: commandTimeoutMs });
  await chown(directory, Number(stdout.trim()), Number(group.trim()));
}

/**
 * Start a server, or return the reason it cannot be started (no Postgres installed, initdb or
 * pg_ctl failing) so the caller can skip with that reason printed.
 */
export async function startTestPostgres(): Promise<TestPostgres | { skip: string }> {
  const bin = binDirectory();
  if (!bin) return { skip: "no Postgres server binaries (install postgresql, or set SLIPWAY_PG_BIN)" };
  const directory = await mkdtemp(path.join(tmpdir(), "slipway-pg-"));
  const data = path.join(directory, "data");
  const password = randomBytes(16).toString("hex");
  try {
    await chmod(directory, 0o700);
    await chownForServer(directory);
    const passwordFile = path.join(directory, "password");
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    await chownForServer(passwordFile);
    const [initdb, initArgs] = asServerUser(path.join(bin, "initdb"), [
      ...["-D", data, "-U", "slipway", "--pwfile", passwordFile, "--auth", "scram-sha-256"],
      ...["-E", "UTF8", "--no-sync", "--no-instructions"],
    ]);
    await run(initdb, initArgs, { timeout: commandTimeoutMs });
    const port = await freePort();
    // Durability is not what these tests check: fsync off keeps each case fast.
    const options = `-h 127.0.0.1 -p ${port} -k ${directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    const [pgCtl, startArgs] = asServerUser(path.join(bin, "pg_ctl"), [
      ...["-D", data, "-l", path.join(directory, "server.log"), "-w", "-t", "30", "-o", options, "start"],
    ]);
    await run(pgCtl, startArgs, { timeout: commandTimeoutMs });
    const stop = async (): Promise<void> => {
      const [command, args] = asServerUser(path.join(bin, "pg_ctl"), [
        "-D",
        data,
        "-m",
        "immediate",
        "-w",
        "-t",
        "30",
        "stop",
      ]);
      await run(command, args, { timeout: commandTimeoutMs }).catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    };
    return { url: `postgres://slipway:${password}@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    const message = error instanceof Error ? error.message.split("\n").slice(0, 3).join(" ") : String(error);
    return { skip: `could not start a Postgres server: ${message}` };
  }
}
