// Measures `slipway verify` on real open-source projects (bench/real-projects-list.ts), each fetched
// beforehand as a bare mirror under /work/.mirror/owner+name/repo: a clean checkout in a temp dir,
// dependencies installed by hand, the project's own CI commands as the baseline, then `slipway
// verify --repo` on the clean checkout (it must pass) and once per planted failure (its finding must
// name the planted file:line). Prints a markdown table and writes the raw results as JSON.
// Run: node bench/real-projects.ts [--only owner/name,...] [--out results.json]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parsePinnedManager, providePinnedManager } from "../src/setup/node/pinned-manager.ts";
import { type Plant, type RealProject, realProjects } from "./real-projects-list.ts";
import { machineAndDebianMavenHome } from "./real-projects-maven.ts";

const repoRoot = path.resolve(import.meta.dirname, "..");
const mirrors = "/work/.mirror";
/** One command's limit: the slowest CI suites here take minutes on a loaded machine. */
const commandTimeoutMs = 20 * 60_000;

interface Finding {
  file?: string;
  line?: number;
  message: string;
  severity?: string;
}
interface VerifyJson {
  passed: boolean;
  commands?: { name: string }[];
  results: { name: string; passed: boolean; summary: string; findings: Finding[] }[];
}
interface VerifyRun {
  exitCode: number | null;
  passed: boolean;
  seconds: number;
  checks: string[];
  failed: string[];
  /** The first error findings with a place, `file:line`. */
  shown: string[];
}
interface PlantResult {
  kind: Plant["kind"];
  expected: string;
  named: boolean;
  verify: VerifyRun;
}
interface ProjectResult {
  repo: string;
  ecosystem: string;
  commit: string;
  ciPassed: boolean;
  ciSeconds: number;
  ciTail?: string;
  verify?: VerifyRun;
  plants: PlantResult[];
  notes: string[];
}

function shell(line: string, cwd: string, extraPath: string[] = [], env: Record<string, string> = {}) {
  const started = performance.now();
  const pathValue = [...extraPath.map((entry) => path.join(cwd, entry)), process.env.PATH].join(":");
  const result = spawnSync("bash", ["-c", line], {
    cwd,
    env: { ...process.env, PATH: pathValue, CI: "true", ...env },
    encoding: "utf8",
    timeout: commandTimeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  return { ok: result.status === 0, seconds: (performance.now() - started) / 1000, output };
}

/** What a failed command said: Maven's first [ERROR] lines (its closing advice says nothing), else the tail. */
function failureLines(output: string): string[] {
  const lines = output.trim().split("\n");
  const errors = lines.filter(
    (line) => /^\[ERROR\] \S/.test(line) && !/Help \d|-e switch|-X switch/.test(line),
  );
  return errors.length > 0 ? errors.slice(0, 2).map((line) => line.slice(0, 300)) : lines.slice(-4);
}

function runVerify(directory: string, dataDir: string, env: Record<string, string> = {}): VerifyRun {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, "bin/slipway.js"), "--data-dir", dataDir, "verify", "--repo", directory, "--json"],
    {
      encoding: "utf8",
      env: { ...process.env, ...env },
      timeout: commandTimeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  let report: VerifyJson | undefined;
  try {
    report = JSON.parse(result.stdout) as VerifyJson;
  } catch {
    // Not JSON: bad input or a crash; the stderr line is what there is to show.
  }
  if (!report) {
    const why = (result.stderr || result.stdout || "no output").trim().split("\n")[0]!;
    return { exitCode: result.status, passed: false, seconds, checks: [], failed: [why], shown: [] };
  }
  const findings = report.results.flatMap((entry) => entry.findings);
  const placed = findings.filter((finding) => finding.file && finding.line && finding.severity !== "warning");
  return {
    exitCode: result.status,
    passed: result.status === 0 && report.passed,
    seconds,
    checks: report.results.map((entry) => entry.name),
    failed: report.results.filter((entry) => !entry.passed).map((entry) => `${entry.name}: ${entry.summary}`),
    shown: placed.slice(0, 6).map((finding) => `${finding.file}:${finding.line}`),
  };
}

/** Insert the plant's line after its anchor; returns the original text and the planted line's number. */
function plant(directory: string, planted: Plant): { original: string; line: number } {
  const file = path.join(directory, planted.file);
  const original = readFileSync(file, "utf8");
  const lines = original.split("\n");
  const anchor = lines.findIndex((line) => line.trim() === planted.after);
  if (anchor < 0) throw new Error(`${planted.file}: no line "${planted.after}"`);
  lines.splice(anchor + 1, 0, planted.insert);
  writeFileSync(file, lines.join("\n"));
  return { original, line: anchor + 2 };
}

function namesPlace(shown: readonly string[], file: string, line: number): boolean {
  return shown.some((place) => {
    const [name, at] = [
      place.slice(0, place.lastIndexOf(":")),
      Number(place.slice(place.lastIndexOf(":") + 1)),
    ];
    return at === line && (name === file || name.endsWith(`/${file}`));
  });
}

/** A pinned pnpm/yarn, provided as `slipway setup` would, run on this host (see the notes it returns). */
function providePinnedByHand(directory: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(directory, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  if (typeof manifest.packageManager !== "string") return [];
  const parsed = parsePinnedManager(manifest.packageManager);
  if (!("pinned" in parsed)) return [parsed.note];
  const { commands, note } = providePinnedManager(parsed.pinned, ".");
  for (const command of commands) {
    // This machine's registry mirror serves no signatures; corepack's check of them is turned off here.
    execFileSync(command.command, command.args, {
      cwd: directory,
      env: { ...process.env, ...command.env, COREPACK_INTEGRITY_KEYS: "0" },
      stdio: "pipe",
      timeout: commandTimeoutMs,
    });
  }
  return [
    note,
    "prepared by hand with COREPACK_INTEGRITY_KEYS=0 (this machine's mirror serves no signatures)",
  ];
}

function measure(project: RealProject, dataDir: string): ProjectResult {
  const mirror = path.join(mirrors, project.repo.replace("/", "+"), "repo");
  const commit = execFileSync("git", ["-C", mirror, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  const directory = mkdtempSync(path.join(tmpdir(), `slipway-real-${project.repo.replace("/", "+")}-`));
  const maven = project.mavenRepository ? machineAndDebianMavenHome() : undefined;
  // Only the Java rows: $HOME is where `slipway verify` finds the Maven repository it shows.
  const env = maven?.env ?? {};
  const verifyEnv: Record<string, string> = maven ? { HOME: maven.home } : {};
  try {
    execFileSync("git", ["clone", "--quiet", mirror, directory], {
      stdio: "pipe",
      timeout: commandTimeoutMs,
    });
    const notes = project.ecosystem === "node" ? providePinnedByHand(directory) : [];
    if (project.notes) notes.push(project.notes);
    if (maven) notes.push(maven.note);
    for (const line of project.prepare) {
      const prepared = shell(line, directory, project.path, env);
      if (!prepared.ok)
        notes.push(`prepare failed: ${line}: ${prepared.output.trim().split("\n").slice(-3).join(" | ")}`);
    }
    let ciSeconds = 0;
    let ciTail: string | undefined;
    for (const line of project.ci) {
      const run = shell(line, directory, project.path, env);
      ciSeconds += run.seconds;
      if (!run.ok) {
        ciTail = `${line}: ${failureLines(run.output).join(" | ")}`;
        break;
      }
    }
    const base = { repo: project.repo, ecosystem: project.ecosystem, commit, ciSeconds, notes };
    if (ciTail !== undefined) return { ...base, ciPassed: false, ciTail, plants: [] };
    // CI left its build output (dist/, target/, build/): verify sees the checkout as a developer's.
    const verify = runVerify(directory, dataDir, verifyEnv);
    const plants: PlantResult[] = [];
    for (const planted of project.plants) {
      const { original, line } = plant(directory, planted);
      try {
        const run = runVerify(directory, dataDir, verifyEnv);
        plants.push({
          kind: planted.kind,
          expected: `${planted.file}:${line}`,
          named: namesPlace(run.shown, planted.file, line),
          verify: run,
        });
      } finally {
        writeFileSync(path.join(directory, planted.file), original);
      }
    }
    return { ...base, ciPassed: true, verify, plants };
  } finally {
    rmSync(directory, { recursive: true, force: true });
    maven?.remove();
  }
}

function row(result: ProjectResult): string {
  const verify = result.verify
    ? `${result.verify.passed ? "yes" : "**no**"} (${result.verify.checks.join(", ")}; ${Math.round(result.verify.seconds)} s)`
    : "—";
  const planted = result.plants
    .map(
      (entry) =>
        `${entry.kind}: ${entry.named ? "yes" : "**no**"} (${entry.expected}${entry.named ? "" : `; shown ${entry.verify.shown.slice(0, 2).join(", ") || "none"}`})`,
    )
    .join("<br>");
  const notes = [
    ...result.notes,
    ...(result.verify && !result.verify.passed ? result.verify.failed : []),
    result.ciTail ?? "",
  ]
    .filter((note) => note !== "")
    .join("; ")
    .replaceAll("|", "\\|");
  return `| ${result.repo} | ${result.commit.slice(0, 10)} | ${result.ecosystem} | ${result.ciPassed ? "yes" : "**no**"} | ${verify} | ${planted || "—"} | ${notes} |`;
}

const { values } = parseArgs({ options: { only: { type: "string" }, out: { type: "string" } } });
const only = values.only?.split(",");
const dataDir = mkdtempSync(path.join(tmpdir(), "slipway-real-data-"));
const results: ProjectResult[] = [];
try {
  for (const project of realProjects.filter((entry) => !only || only.includes(entry.repo))) {
    process.stderr.write(`measuring ${project.repo}\n`);
    const result = measure(project, dataDir);
    results.push(result);
    process.stderr.write(`${row(result)}\n`);
    if (values.out) writeFileSync(values.out, JSON.stringify(results, null, 2));
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(
  "| project | commit | ecosystem | CI passes | verify passes (checks; time) | planted failure named at file:line | notes |",
);
console.log("|---|---|---|---|---|---|---|");
for (const result of results) console.log(row(result));
