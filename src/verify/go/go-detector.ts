// Detects a Go module's checks from its go.mod: `go build ./...` and `go vet ./...` (fast and
// full) and `go test ./...` (full), with -fullpath when the Go on PATH has it, so a failing
// test's log line names its file by path rather than by a bare file name.
import type { DetectDefaults, EcosystemDetection, EcosystemDetector } from "../ecosystem.ts";
import { lookAtManifest } from "../manifest-kind.ts";
import type { VerifierCommand, VerifySpeed } from "../verifier.ts";
import { findGoToolchain, supportsFullPath } from "./go-toolchain.ts";

function goCommand(
  name: string,
  args: string[],
  parser: string,
  speeds: VerifySpeed[],
  defaults: DetectDefaults,
): VerifierCommand {
  return { name, command: "go", args, cwd: ".", parser, speeds, timeoutMs: defaults.timeoutMs };
}

function versionNote(toolchain: ReturnType<typeof findGoToolchain>): string {
  if (!toolchain.go) return "go: go is not on PATH, so the go checks fail until it is installed";
  if (!toolchain.version)
    return "go: the Go version is unknown (no GOROOT/VERSION), so go test runs without -fullpath";
  const { major, minor } = toolchain.version;
  return supportsFullPath(toolchain)
    ? `go: Go ${major}.${minor}, so go test -fullpath`
    : `go: Go ${major}.${minor} has no -fullpath (1.21+), so failing tests name bare file names`;
}

/**
 * The checks of the Go module at `worktree`, or undefined when it has no go.mod. A go.mod that is
 * not a regular file (a FIFO would hold every go command until its time limit) gives no checks.
 */
export async function detectGoChecks(
  worktree: string,
  defaults: DetectDefaults,
  searchPath: string,
): Promise<EcosystemDetection | undefined> {
  const manifest = await lookAtManifest(worktree, "go.mod", "go", "Go");
  if (manifest === "missing") return undefined;
  if (manifest !== "file") return manifest;
  const toolchain = findGoToolchain(searchPath);
  const fast: VerifySpeed[] = ["fast", "full"];
  const testArgs = ["test", ...(supportsFullPath(toolchain) ? ["-fullpath"] : []), "./..."];
  return {
    commands: [
      goCommand("go-build", ["build", "./..."], "go", fast, defaults),
      goCommand("go-vet", ["vet", "./..."], "go-vet", fast, defaults),
      goCommand("go-test", testArgs, "go", ["full"], defaults),
    ],
    notes: ["go: go.mod found", versionNote(toolchain)],
  };
}

export const goDetector: EcosystemDetector = {
  name: "go",
  // The sandbox passes the platform's PATH through, so the host's PATH is where tools are found.
  detect: (worktree, defaults) => detectGoChecks(worktree, defaults, process.env.PATH ?? ""),
};
