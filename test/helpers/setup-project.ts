// Test support for the setup stage: a small Node project whose devDependency (is-number, one file,
// no dependencies of its own) installs from the npm registry, with a lockfile npm wrote, and a
// probe script the scripted agent runs to report what its sandbox can reach and see.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lookup } from "node:dns/promises";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { exemptRanges, refusedAddressReason } from "../../src/sandbox/egress/address-policy.ts";
import { git, tempDir, writeFiles } from "./git-fixture.ts";

/** The canary's parts: joined only at run time, so no command line or file of the repo holds it. */
export const canaryParts = ["slipway", "canary", "4d7e19b2c0"];
export const canary = canaryParts.join("-");
export const canaryVariable = "E2E_NPM_TOKEN";

/** Why the registry cannot be reached through the egress proxy here, or undefined when it can. */
/**
 * Whether registry.npmjs.org is reachable from this machine, and the address ranges the egress
 * proxy must be told to allow for it (`sandbox.egressAllowAddresses`): where the registry is served
 * from a private or documentation address (a mirror that intercepts this machine's traffic), the
 * proxy refuses it unless the operator names that range, as a private registry's operator would.
 */
export async function registryReach(): Promise<{ skip?: string; allowAddresses: string[] }> {
  try {
    const addresses = (await lookup("registry.npmjs.org", { all: true })).map((entry) => entry.address);
    const refused = addresses.filter((address) => refusedAddressReason(address) !== undefined);
    const allowAddresses = refused.map((address) => `${address}/${address.includes(":") ? 128 : 32}`);
    const stillRefused = refused.find((address) =>
      refusedAddressReason(address, undefined, exemptRanges(allowAddresses)),
    );
    if (stillRefused)
      return {
        skip: `registry.npmjs.org resolves to ${stillRefused} here, which no setting may let a sandbox reach (${refusedAddressReason(stillRefused)})`,
        allowAddresses,
      };
    const response = await fetch("https://registry.npmjs.org/is-number", {
      signal: AbortSignal.timeout(15_000),
    });
    return response.ok
      ? { allowAddresses }
      : { skip: `registry.npmjs.org answered ${response.status}`, allowAddresses };
  } catch (error) {
    return {
      skip: `registry.npmjs.org is unreachable from this machine: ${(error as Error).message}`,
      allowAddresses: [],
    };
  }
}

// Run by npm ci as the root package's postinstall: fails unless the setup got the secret.
const checkToken = `import { createHash } from "node:crypto";
const seen = createHash("sha256").update(process.env.${canaryVariable} ?? "").digest("hex");
if (seen !== "${createHash("sha256").update(canary).digest("hex")}") { console.error("error: ${canaryVariable} missing in setup"); process.exit(1); }
console.log("setup has the token");
`;

// The agent's probe: the network (the registry), its environment, and every file of its worktree.
const probe = `import { readdirSync, readFileSync, lstatSync } from "node:fs";
import path from "node:path";
const secret = process.argv.slice(2).join("-");
let network;
try { await fetch("https://registry.npmjs.org/is-number", { signal: AbortSignal.timeout(10000) }); network = "REACHED"; }
catch { network = "BLOCKED"; }
const inEnv = Object.values(process.env).some((value) => value?.includes(secret));
let files = 0, found = [];
const walk = (dir) => { for (const name of readdirSync(dir)) { const file = path.join(dir, name); const stat = lstatSync(file);
  if (stat.isDirectory()) { if (name !== ".git") walk(file); } else if (stat.isFile() && files++ < 20000) { if (readFileSync(file).includes(secret)) found.push(file); } } };
walk(".");
console.log("network=" + network + " env=" + (inEnv ? "LEAKED" : "CLEAN") + " files=" + (found.length ? "LEAKED:" + found.join(",") : "CLEAN") + " checked=" + files);
`;

/** is-number's behaviour in one file, packed into a tarball the lockfile names (no network needed). */
const localIsNumber = {
  "vendor-src/is-number/package.json": JSON.stringify({
    name: "is-number",
    version: "7.0.0",
    main: "index.js",
  }),
  "vendor-src/extra/package.json": JSON.stringify({ name: "extra", version: "1.0.0" }),
  "vendor-src/is-number/index.js":
    'module.exports = (n) => typeof n === "number" ? n - n === 0 : typeof n === "string" && n.trim() !== "" && Number.isFinite(+n);\n',
};

function npm(cwd: string, ...args: string[]): void {
  execFileSync("npm", [...args, "--no-audit", "--no-fund"], { cwd, stdio: "pipe", timeout: 120_000 });
}

export interface SetupProjectOptions {
  /** `registry`: is-number 7.0.0 from registry.npmjs.org; `tarball`: a packed copy in the repository. */
  dependency: "registry" | "tarball";
  /** package.json names a dependency the lockfile does not hold, so npm ci refuses (tarball only). */
  breakLockfile?: boolean;
}

/** A committed Node project whose test needs is-number installed, and whose check has a bug. */
export function makeSetupProject(options: SetupProjectOptions): string {
  const repo = tempDir("setup-repo");
  let spec = "7.0.0";
  if (options.dependency === "tarball" || options.breakLockfile) {
    writeFiles(repo, localIsNumber);
    mkdirSync(path.join(repo, "vendor"));
    npm(path.join(repo, "vendor-src/is-number"), "pack", "--pack-destination", path.join(repo, "vendor"));
    spec = "file:vendor/is-number-7.0.0.tgz";
  }
  const manifest = {
    name: "setup-fixture",
    private: true,
    type: "module",
    scripts: { test: "node --test", postinstall: "node scripts/check-token.mjs" },
    devDependencies: { "is-number": spec },
  };
  writeFiles(repo, {
    "package.json": JSON.stringify(manifest, null, 2),
    ".gitignore": "node_modules/\n",
    "scripts/check-token.mjs": checkToken,
    "scripts/probe.mjs": probe,
    "src/positive.js":
      'import isNumber from "is-number";\nexport function positive(x) {\n  return isNumber(x) && Number(x) < 0;\n}\n',
    "test/positive.test.js":
      'import assert from "node:assert/strict";\nimport { test } from "node:test";\nimport { positive } from "../src/positive.js";\n\ntest("5 is positive", () => {\n  assert.equal(positive("5"), true);\n});\n',
  });
  npm(repo, "install", "--package-lock-only", "--ignore-scripts");
  if (options.breakLockfile) {
    // A local directory the lockfile does not hold: npm ci sees it without any network.
    const broken = {
      ...manifest,
      devDependencies: { ...manifest.devDependencies, extra: "file:vendor-src/extra" },
    };
    writeFiles(repo, { "package.json": JSON.stringify(broken, null, 2) });
  }
  git(repo, "init", "--quiet", "--initial-branch=main");
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "initial");
  return repo;
}
