// What a setup will do on a worktree: the detected (or declared) install commands, the hosts they
// may reach, the secret variables they get by name, and the directories they produce, with notes.
// Detection is per package: every folder (bounded) holding a manifest is asked of each ecosystem.
import { findPackageFolders, isWithinFolder } from "./package-folders.ts";
import type { LoadedRepoSetupConfig } from "./repo-setup-config.ts";
import type { SetupCommand, SetupDetection, SetupDetector } from "./setup-detector.ts";
import { setupDetectors } from "./setup-registry.ts";

/** Packages installed on their own, over all ecosystems, before detection stops (with a note). */
export const maxSetupPackages = 20;
/** Folders named in a note about packages an outer install covers. */
const namedCoveredFolders = 5;

/** The platform's `setup` settings that shape a plan (slipway.yaml). */
export interface SetupSettings {
  /** Replaces every ecosystem's default registry hosts when set. */
  allowHosts?: readonly string[];
  /** Names of the platform's environment variables handed to the setup commands only. */
  secretEnv: readonly string[];
}

export interface SetupPlan {
  /** `declared` when the repository's `.slipway.yml` names the commands, else `detected`. */
  source: "declared" | "detected";
  ecosystems: string[];
  commands: SetupCommand[];
  allowHosts: string[];
  /** Variable names whose values the commands get; the values are never part of the plan. */
  secretNames: string[];
  /** What the setup fills in the worktree (the seam for warm snapshots). */
  producedDirectories: string[];
  notes: string[];
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

function secretNamesFor(
  repo: LoadedRepoSetupConfig | undefined,
  settings: SetupSettings,
  notes: string[],
): string[] {
  for (const name of repo?.env ?? []) {
    if (!settings.secretEnv.includes(name)) {
      notes.push(
        `${repo!.file} asks for ${name}, which setup.secretEnv in slipway.yaml does not name: it is not handed over`,
      );
    }
  }
  return [...settings.secretEnv];
}

/**
 * The hosts a repository's `.slipway.yml` adds. While the platform hands setup secrets over, a host
 * only the repository names is not reached: the repository chooses its setup commands too, and a
 * secret must not travel to a host the platform never approved (list it in slipway.yaml's
 * setup.allowHosts to allow it with secrets).
 */
function repositoryHosts(
  repo: LoadedRepoSetupConfig | undefined,
  platformHosts: readonly string[],
  settings: SetupSettings,
  notes: string[],
): string[] {
  const added = (repo?.allowHosts ?? []).filter((host) => !platformHosts.includes(host));
  if (added.length === 0) return [];
  if (settings.secretEnv.length > 0) {
    notes.push(
      `${repo!.file} adds the hosts ${added.join(", ")}, not reached while setup.secretEnv hands secrets to setup: list them in setup.allowHosts in slipway.yaml to allow them`,
    );
    return [];
  }
  notes.push(`${repo!.file} adds the hosts ${added.join(", ")}`);
  return added;
}

/** One ecosystem's detections over the package folders: an outer install covers its members. */
async function detectPackages(
  worktree: string,
  detector: SetupDetector,
  folders: ReadonlyMap<string, ReadonlySet<string>>,
  budget: { left: number },
  notes: string[],
): Promise<SetupDetection[]> {
  const found: { folder: string; detection: SetupDetection }[] = [];
  const covered: string[] = [];
  for (const [folder, manifests] of folders) {
    if (![...manifests].some((name) => detector.isManifest(name))) continue;
    const outer = found.find((entry) => isWithinFolder(folder, entry.folder));
    if (outer && !(await detector.installsOnItsOwn(worktree, folder))) {
      covered.push(folder);
      continue;
    }
    if (budget.left <= 0) {
      notes.push(
        `${detector.name}: ${folder} not set up: more than ${maxSetupPackages} packages (declare setup.commands)`,
      );
      continue;
    }
    const detection = await detector.detect(worktree, folder);
    if (!detection) continue;
    budget.left -= 1;
    found.push({ folder, detection });
  }
  if (covered.length > 0) {
    const named = covered.slice(0, namedCoveredFolders).join(", ");
    const more =
      covered.length > namedCoveredFolders ? ` and ${covered.length - namedCoveredFolders} more` : "";
    notes.push(
      `${detector.name}: ${named}${more} installed by the install of the folder above (no lockfile or build of their own)`,
    );
  }
  return found.map((entry) => entry.detection);
}

/** Every package's setup in `worktree`, per ecosystem in registry order, root first. */
async function detectAll(worktree: string, notes: string[]): Promise<SetupDetection[]> {
  const detectors = [...setupDetectors.values()];
  const { folders, cut } = await findPackageFolders(worktree, (name) =>
    detectors.some((detector) => detector.isManifest(name)),
  );
  if (cut)
    notes.push("the search for package folders stopped at its limit: deeper packages may not be set up");
  const budget = { left: maxSetupPackages };
  const detections: SetupDetection[] = [];
  for (const detector of detectors)
    detections.push(...(await detectPackages(worktree, detector, folders, budget, notes)));
  return detections;
}

/** Detect every package of `worktree` and combine it with the repository's and platform's settings. */
export async function planSetup(
  worktree: string,
  repo: LoadedRepoSetupConfig | undefined,
  settings: SetupSettings,
): Promise<SetupPlan> {
  const notes: string[] = [];
  const ecosystems: string[] = [];
  const detected: SetupCommand[] = [];
  const hosts: string[] = [];
  const produced: string[] = [];
  for (const found of await detectAll(worktree, notes)) {
    ecosystems.push(found.ecosystem);
    detected.push(...found.commands);
    hosts.push(...found.allowHosts);
    produced.push(...found.producedDirectories);
    notes.push(...found.notes.map((note) => `${found.ecosystem}: ${note}`));
  }
  let commands = detected;
  if (repo?.commands) {
    commands = repo.commands;
    notes.push(
      `${repo.file} declares the setup commands (${commands.map((c) => c.name).join("; ") || "none"}); they replace the detected ones`,
    );
  }
  if (settings.allowHosts)
    notes.push("setup.allowHosts in slipway.yaml replaces the registries' default hosts");
  const platformHosts = settings.allowHosts ?? hosts;
  const allowHosts = unique([...platformHosts, ...repositoryHosts(repo, platformHosts, settings, notes)]);
  if (commands.length === 0 && ecosystems.length === 0) notes.push("no ecosystem found: nothing to install");
  return {
    source: repo?.commands ? "declared" : "detected",
    ecosystems: unique(ecosystems),
    commands,
    allowHosts,
    secretNames: secretNamesFor(repo, settings, notes),
    producedDirectories: unique(produced),
    notes,
  };
}
