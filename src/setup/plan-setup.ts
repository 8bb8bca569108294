// What a setup will do on a worktree: the detected (or declared) install commands, the hosts they
// may reach, the secret variables they get by name, and the directories they produce, with notes.
import type { LoadedRepoSetupConfig } from "./repo-setup-config.ts";
import type { SetupCommand } from "./setup-detector.ts";
import { setupDetectors } from "./setup-registry.ts";

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

/** Detect every ecosystem of `worktree` and combine it with the repository's and platform's settings. */
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
  for (const detector of setupDetectors.values()) {
    const found = await detector.detect(worktree);
    if (!found) continue;
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
  const allowHosts = unique([...(settings.allowHosts ?? hosts), ...(repo?.allowHosts ?? [])]);
  if (repo && repo.allowHosts.length > 0)
    notes.push(`${repo.file} adds the hosts ${repo.allowHosts.join(", ")}`);
  if (commands.length === 0 && ecosystems.length === 0) notes.push("no ecosystem found: nothing to install");
  return {
    source: repo?.commands ? "declared" : "detected",
    ecosystems,
    commands,
    allowHosts,
    secretNames: secretNamesFor(repo, settings, notes),
    producedDirectories: unique(produced),
    notes,
  };
}
