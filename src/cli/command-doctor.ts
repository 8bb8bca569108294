// `slipway doctor`: says which sandbox backends work on this machine and why not (with the fix),
// which toolchains bwrap mounts, whether node and git are fit, whether the model answers and takes
// the key, what the forge token may do, and what to do next. Exits 0 when at least one isolating
// backend works, else 1 (a model or forge warning does not change it).
import type { Command } from "commander";
import { loadConfig } from "../config/load-config.ts";
import type { GlobalOptions } from "./app-context.ts";
import { type DoctorReport, runDoctorChecks } from "./doctor-checks.ts";

function toolLines(report: DoctorReport): string[] {
  return report.tools.map((tool) => {
    const state = tool.ok ? "ok" : `problem: ${tool.problem}`;
    return `${tool.name.padEnd(7)} ${(tool.version ?? "missing").padEnd(10)} ${state}`;
  });
}

function backendLines(report: DoctorReport): string[] {
  return report.backends.map((backend) => {
    const kind = backend.isolates ? "isolating" : "no isolation: only when chosen explicitly";
    const state = backend.works ? `works (${kind})` : `does not work: ${backend.reason ?? "unavailable"}`;
    return `${backend.name.padEnd(7)} ${state}`;
  });
}

function toolchainLines(report: DoctorReport): string[] {
  const width = Math.max(7, ...report.toolchains.map((toolchain) => toolchain.name.length + 1));
  const lines = report.toolchains.map((toolchain) => {
    const manager = toolchain.manager ? ` (${toolchain.manager})` : "";
    const detail =
      toolchain.state === "skipped"
        ? (toolchain.reason ?? "unavailable")
        : toolchain.state === "system"
          ? `${toolchain.program} (under the system mounts)`
          : `${toolchain.directories.join(", ")}${manager}`;
    return `${toolchain.name.padEnd(width)} ${toolchain.state.padEnd(8)} ${detail}`;
  });
  const mounts = report.readOnlyMounts.map((mount) =>
    mount.ok ? `${mount.directory} ok` : `${mount.directory} problem: ${mount.problem}`,
  );
  return [
    "bwrap toolchains (sandbox.toolchains):",
    ...lines,
    `bwrap read-only mounts (sandbox.readOnlyMounts):${mounts.length === 0 ? " none" : ""}`,
    ...mounts,
    ...(report.maskedFiles.length === 0
      ? []
      : [
          "credential files inside those mounts, hidden by an empty file in every sandbox (move them out of the toolchain):",
          ...report.maskedFiles.map((file) => `  ${file}`),
        ]),
  ];
}

function limitLines(report: DoctorReport): string[] {
  const shared = report.bwrapSharedSpace;
  const space = !shared
    ? []
    : shared.works
      ? ["agents     share one sandbox per run (no sandbox is set up per command)"]
      : [
          `agents     cannot share one sandbox per run (${shared.problem}): each agent command gets a sandbox of its own, slower but behind the same walls`,
        ];
  return [
    "bwrap limits (sandbox.maxProcesses, sandbox.memoryMb):",
    `processes  ${report.bwrapLimits.processes}`,
    `memory     ${report.bwrapLimits.memory}`,
    `tmpfs      ${report.bwrapTmpfs}`,
    `kill       ${report.bwrapKill.kill}`,
    weakerLine(report),
    ...space,
  ];
}

/** Which protections bwrap lacks here, and whether `sandbox.acceptWeaker` lets runs start without them. */
function weakerLine(report: DoctorReport): string {
  const { missing, refusal } = report.bwrapProtections;
  if (missing.length === 0) return "weaker     none: every protection above is in force";
  const names = missing.join(", ");
  if (refusal)
    return `weaker     ${names}: not accepted (sandbox.acceptWeaker), so runs on bwrap refuse to start`;
  return `weaker     ${names}: accepted by sandbox.acceptWeaker`;
}

/** What walls the docker backend puts up here, when it works: who the agent runs as decides most. */
export function dockerLine(
  report: Pick<DoctorReport, "backends" | "platformIsRoot">,
  limits: SandboxLimitsLine,
): string | undefined {
  if (!report.backends.some((backend) => backend.name === "docker" && backend.works)) return undefined;
  const caps = `pids ${limits.maxProcesses}, memory ${limits.memoryMb} MiB, files ${limits.maxFileMb} MiB, container log off`;
  return report.platformIsRoot
    ? `docker     the agent runs as an unused uid (2,000,000,000 and up) without capabilities; helpers as the container's root; ${caps}`
    : `docker     the agent runs as your own uid (Slipway is not root: no separate uid, no per-uid process cap); ${caps}`;
}

/** The configured limits a doctor line names. */
export interface SandboxLimitsLine {
  maxProcesses: number;
  memoryMb: number;
  maxFileMb: number;
}

/** Whether each run's worktree gets a disk quota here. */
function diskLine(report: DoctorReport): string {
  const { diskMb, problem, accepted } = report.diskQuota;
  if (!problem)
    return `disk       ${diskMb} MiB per run (sandbox.diskMb): a volume of that size holds the worktree`;
  return accepted
    ? `disk       no quota (${problem}): accepted by sandbox.acceptWeaker`
    : `disk       no quota (${problem}): not accepted (sandbox.acceptWeaker: [disk-quota]), so runs refuse to start`;
}

function verdictLines(report: DoctorReport): string[] {
  const configured =
    report.configuredBackend === "auto"
      ? 'sandbox.backend is "auto"'
      : `sandbox.backend is "${report.configuredBackend}"`;
  const refusal = report.bwrapProtections.refusal;
  const bwrapWorks = report.backends.some((backend) => backend.name === "bwrap" && backend.works);
  const diskRefuses = report.diskQuota.problem !== undefined && !report.diskQuota.accepted;
  const bwrapRefuses = refusal && bwrapWorks && ["auto", "bwrap"].includes(report.configuredBackend);
  const runs = report.runsWith
    ? `runs use ${report.runsWith}`
    : bwrapRefuses
      ? `runs cannot start: ${refusal}`
      : diskRefuses
        ? "runs cannot start: no disk quota here; accept that with sandbox.acceptWeaker: [disk-quota]"
        : "runs cannot start: that backend does not work here";
  const verdict = report.ok
    ? report.runsWith
      ? "ok: an isolating sandbox works here"
      : "an isolating sandbox works here, but runs with this configuration cannot start (see above)"
    : "no isolating sandbox works here: fix bwrap or docker as said above, or choose `--sandbox none` to run without isolation";
  return [`${configured}: ${runs}`, verdict];
}

/** The model and forge checks, a mark per state, the fix on the line under a warning. */
function findingLines(report: DoctorReport): string[] {
  const marks = { ok: "ok", warning: "warning", skipped: "-" } as const;
  return report.findings.flatMap((finding) => [
    `${finding.name.padEnd(7)} ${marks[finding.state]}: ${finding.detail}`,
    ...(finding.fix && finding.state === "warning" ? [`${"".padEnd(7)} fix: ${finding.fix}`] : []),
  ]);
}

/** The report as lines for a person: tools, backends, bwrap's mounts, then the verdict. */
export function renderDoctorReport(report: DoctorReport): string {
  return [
    ...toolLines(report),
    "",
    "sandboxes:",
    ...backendLines(report),
    "",
    ...toolchainLines(report),
    "",
    ...limitLines(report),
    diskLine(report),
    ...[dockerLine(report, report.limits)].filter((line): line is string => line !== undefined),
    "",
    ...findingLines(report),
    "",
    ...verdictLines(report),
    "",
    ...report.next.map((step) => `next: ${step}`),
  ].join("\n");
}

export function registerDoctorCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("doctor")
    .description(
      "check the sandboxes, node and git, the model (key, reachability), the forge token and the pnpm/yarn package.json pins, and say what to do next",
    )
    .option("--json", "print the report as JSON", false)
    .action(async (flags: { json: boolean }) => {
      const { config } = loadConfig({
        explicitFile: global().config,
        projectDir: process.cwd(),
        env: process.env,
        flags: {},
      });
      const report = await runDoctorChecks(config);
      const text = flags.json ? JSON.stringify(report, null, 2) : renderDoctorReport(report);
      process.stdout.write(`${text}\n`);
      process.exitCode = report.ok ? 0 : 1;
    });
}
