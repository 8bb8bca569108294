// Detects a CMake project's checks from its root CMakeLists.txt: configure, build, and CTest when
// the project enables testing. The build directory lives inside the worktree (the sandbox can write
// nowhere else that lasts between checks) and ignores itself with a `*` .gitignore, so neither the
// freeze nor a commit ever picks it up; the gate removes it, with every untracked file, before it runs.
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import { readRegularFileInside } from "../../workspace/safe-fs.ts";
import type { DetectDefaults, EcosystemDetection, EcosystemDetector } from "../ecosystem.ts";
import { lookAtManifest } from "../manifest-kind.ts";
import type { VerifierCommand, VerifySpeed } from "../verifier.ts";

/** The build directory, relative to the worktree root. */
export const cmakeBuildDirectory = ".slipway-cmake-build";
const maxCmakeListsBytes = 4 * 1024 * 1024;
/** `enable_testing()` or `include(CTest)` (which calls it): the project has tests for CTest. */
const enablesTesting = /^\s*(?:enable_testing\s*\(|include\s*\(\s*CTest\b)/im;

// Fixed scripts: nothing of the repository is spliced into them.
const configureScript = [
  `mkdir -p ${cmakeBuildDirectory}`,
  `printf '*\\n' > ${cmakeBuildDirectory}/.gitignore`,
  `exec cmake -S . -B ${cmakeBuildDirectory}`,
].join(" && ");
// `cd` rather than `ctest --test-dir`, which needs CMake 3.20.
const ctestScript = `cd ${cmakeBuildDirectory} && exec ctest --output-on-failure`;

function check(
  name: string,
  command: string,
  args: string[],
  parser: string,
  speeds: VerifySpeed[],
  defaults: DetectDefaults,
): VerifierCommand {
  return { name, command, args, cwd: ".", parser, speeds, timeoutMs: defaults.timeoutMs };
}

/** The root CMakeLists.txt's text, or a note saying why it cannot be read. */
async function readCmakeLists(worktree: string): Promise<{ text?: string; problem?: string }> {
  try {
    const bytes = await readRegularFileInside(worktree, "CMakeLists.txt", { maxBytes: maxCmakeListsBytes });
    return { text: bytes.toString("utf8") };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/**
 * The checks of the CMake project at `worktree`, or undefined when it has no CMakeLists.txt.
 * `searchPath` is the PATH the checks run with, used only to say whether cmake exists.
 */
export async function detectCmakeChecks(
  worktree: string,
  defaults: DetectDefaults,
  searchPath: string,
): Promise<EcosystemDetection | undefined> {
  const manifest = await lookAtManifest(worktree, "CMakeLists.txt", "cmake", "CMake");
  if (manifest === "missing") return undefined;
  if (manifest !== "file") return manifest;
  const { text, problem } = await readCmakeLists(worktree);
  if (text === undefined)
    return { commands: [], notes: [`cmake: CMakeLists.txt cannot be read: ${problem}`] };
  const notes = [
    `cmake: CMakeLists.txt found; it is configured and built in ${cmakeBuildDirectory}/ (ignored by git)`,
  ];
  if (!findOnPath("cmake", searchPath))
    notes.push("cmake: cmake is not on PATH; the CMake checks fail until it is");
  const fast: VerifySpeed[] = ["fast", "full"];
  const commands = [
    check("cmake-configure", "sh", ["-c", configureScript], "cmake", fast, defaults),
    check("cmake-build", "cmake", ["--build", cmakeBuildDirectory], "cmake", fast, defaults),
  ];
  if (enablesTesting.test(text)) {
    commands.push(check("ctest", "sh", ["-c", ctestScript], "ctest", ["full"], defaults));
  } else
    notes.push("cmake: CMakeLists.txt does not call enable_testing() or include(CTest), so no ctest check");
  return { commands, notes };
}

export const cmakeDetector: EcosystemDetector = {
  name: "cmake",
  // A CMakeLists.txt beside another ecosystem's manifest (a Node addon, a Python extension) is built
  // by that ecosystem's tools; CMake's own checks are for projects nothing else claims.
  fallback: true,
  // The sandbox passes the platform's PATH through, so the host's PATH is where cmake is found.
  detect: (worktree, defaults) => detectCmakeChecks(worktree, defaults, process.env.PATH ?? ""),
};
