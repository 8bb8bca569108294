// Attempts on the filesystem walls: writing outside the worktree (system directories, the host's
// home, `..`, a committed symlink, the mirror) and reading what belongs to the platform or other runs.
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { findOnPath } from "../../src/sandbox/bwrap/toolchain-mounts.ts";
import { type AttackRun, symlinkBranch, victimOwner, victimText } from "./attack-world.ts";
import {
  type AttackResult,
  type Attempt,
  gist,
  inconclusive,
  nothingLeaked,
  nothingPlanted,
  plantedOnHost,
  plantName,
  type Verdict,
} from "./attempt.ts";

/**
 * Run `script` after a control write into the worktree, which must show up on the host: the shell
 * ran and can write where it may, so a missing plant is the wall's doing, not a dead sandbox's.
 */
async function writeAttempt(
  attack: AttackRun,
  script: string,
  targets: (result: AttackResult) => string[],
): Promise<Verdict> {
  const control = `${plantName()}.control`;
  const result = await attack.sh(`echo control > ${control}\n${script}`);
  const verdict = nothingPlanted(plantedOnHost(targets(result)), result);
  const wrote = plantedOnHost([path.join(attack.worktree, control)]).length === 1;
  if (verdict.outcome === "blocked" && !wrote)
    return inconclusive(
      `the control write into the worktree did not reach the host; ${gist(result.output, 60)}`,
    );
  return verdict;
}

const writeToEtc: Attempt = {
  name: "write to /etc",
  proves: "host-root",
  async run(attack) {
    const name = plantName();
    return writeAttempt(
      attack,
      `echo pwned > /etc/${name}; mkdir /etc/${name}.d; echo pwned > /etc/profile.d/${name}.sh`,
      () => [`/etc/${name}`, `/etc/${name}.d`, `/etc/profile.d/${name}.sh`],
    );
  },
};

const writeToHome: Attempt = {
  name: "write to the host's $HOME",
  proves: "host-root",
  async run(attack) {
    const name = plantName();
    const home = homedir();
    return writeAttempt(attack, `echo pwned > "${home}/${name}"; echo pwned > "${home}/.ssh/${name}"`, () => [
      path.join(home, name),
      path.join(home, ".ssh", name),
    ]);
  },
};

const writeThroughDotDot: Attempt = {
  name: "write outside the worktree via ..",
  proves: "host-root",
  async run(attack) {
    const { worktree } = attack;
    const name = plantName();
    const parents = [1, 2, 3, 4].map((depth) => path.resolve(worktree, "../".repeat(depth), name));
    const script = [
      `echo pwned > ../${name}; echo pwned > ../../${name}; echo pwned > ../../../${name}`,
      `cd .. && echo pwned > ${name}; cd .. && echo pwned > ${name}`,
      `echo pwned > "${path.dirname(worktree)}/${name}"`,
    ].join("\n");
    return writeAttempt(attack, script, () => parents);
  },
};

const writeThroughSymlink: Attempt = {
  name: "write outside via a symlink committed in the repo",
  proves: "host-root",
  baseRef: symlinkBranch,
  async run(attack) {
    const { world } = attack;
    const name = plantName();
    const victim = path.join(world.outside, "victim.txt");
    // `escape` → the host directory `outside` (absolute); `up` → ../../../outside (relative).
    return writeAttempt(
      attack,
      `echo pwned > escape/${name}; echo pwned > up/${name}-up; echo pwned >> escape/victim.txt; chmod 666 up/victim.txt`,
      () => {
        const planted = [path.join(world.outside, name), path.join(world.outside, `${name}-up`)];
        // Checked while the sandbox is still open: nothing may touch the file, not even its owner or mode.
        const stat = statSync(victim);
        const changed =
          stat.uid !== victimOwner ||
          (stat.mode & 0o777) !== 0o600 ||
          readFileSync(victim, "utf8") !== victimText;
        if (changed) {
          writeFileSync(victim, victimText);
          chmodSync(victim, 0o600);
          chownSync(victim, victimOwner, victimOwner);
          // Reported through a marker file the check below finds and removes.
          writeFileSync(path.join(world.outside, `${name}-victim-changed`), "");
          planted.push(path.join(world.outside, `${name}-victim-changed`));
        }
        return planted;
      },
    );
  },
};

const replaceToolchain: Attempt = {
  name: "plant a program in the host's toolchain",
  proves: "host-root",
  async run(attack) {
    const name = plantName();
    const nodeDirectory = path.dirname(process.execPath);
    // Where `command -v node` points on the host's PATH (a .bin of links, say): checked and removed
    // too, so a weakened run's plant there is neither missed nor left behind.
    const onPath = findOnPath("node", process.env.PATH ?? "");
    const pathDirectory = onPath ? path.dirname(onPath) : nodeDirectory;
    return writeAttempt(
      attack,
      `cp /bin/sh /usr/bin/${name}; cp /bin/sh /usr/local/bin/${name}; cp /bin/sh "$(dirname "$(command -v node)")/${name}"; echo pwned > "${nodeDirectory}/${name}"`,
      () => [
        ...new Set([
          `/usr/bin/${name}`,
          `/usr/local/bin/${name}`,
          path.join(nodeDirectory, name),
          path.join(pathDirectory, name),
        ]),
      ],
    );
  },
};

const poisonMirror: Attempt = {
  name: "poison the mirror through the worktree's .git file",
  proves: "host-root",
  async run(attack) {
    const { world } = attack;
    const name = plantName();
    const configBefore = readFileSync(path.join(world.mirrorPath, "config"), "utf8");
    const script = [
      `admin=$(sed -n 's/^gitdir: //p' .git); echo "gitdir is $admin"`,
      `mirror=$(dirname "$(dirname "$admin")")`,
      `echo pwned > "$admin/${name}"; mkdir -p "$mirror/hooks"; printf '#!/bin/sh\\necho pwned\\n' > "$mirror/hooks/post-checkout"`,
      `printf '[core]\\n\\tfsmonitor = /tmp/${name}\\n' >> "$mirror/config"; echo x > "$mirror/refs/heads/${name}"`,
    ].join("\n");
    return writeAttempt(attack, script, (result) => {
      const admin = /gitdir is (\S+)/.exec(result.output)?.[1] ?? "";
      const planted = [
        ...(admin ? [path.join(admin, name)] : []),
        path.join(world.mirrorPath, "hooks", "post-checkout"),
        path.join(world.mirrorPath, "refs", "heads", name),
      ];
      const config = path.join(world.mirrorPath, "config");
      if (readFileSync(config, "utf8") !== configBefore) {
        writeFileSync(config, configBefore);
        writeFileSync(path.join(world.markers, "mirror-config-changed"), "");
        planted.push(path.join(world.markers, "mirror-config-changed"));
      }
      return planted;
    });
  },
};

const readOtherRun: Attempt = {
  name: "read another run's worktree",
  proves: "host-root",
  async run({ sh, world }) {
    // The search runs when neither known path gave the secret away (with the host's root bound in,
    // as a weakened sandbox has it, it would crawl the host's whole disk to find what leaked already).
    const script = [
      `cat "${world.otherWorktree}/secret.txt" || cat ../run-other/secret.txt ||`,
      "find / \\( -path /proc -o -path /sys -o -path /usr -o -path /dev \\) -prune -o -name secret.txt -print 2>/dev/null | head -n 20 | xargs -r cat",
    ].join("\n");
    const result = await sh(script);
    const present = readFileSync(path.join(world.otherWorktree, "secret.txt"), "utf8").includes(
      world.otherRunSecret,
    );
    return nothingLeaked(result, [world.otherRunSecret], "the other run's secret", present);
  },
};

const readHomeSecret: Attempt = {
  name: "read a secret file in the host's $HOME",
  proves: "host-root",
  async run({ sh, world }) {
    // A glob, not the name: the name itself must show only if the host's home can be listed.
    const result = await sh(
      `cat "${homedir()}"/.slipway-attack-secret-*; cat ~/.slipway-attack-secret-*; ls -A "${homedir()}"`,
    );
    const present = readFileSync(world.homeSecretFile, "utf8").includes(world.canary);
    return nothingLeaked(
      result,
      [world.canary, path.basename(world.homeSecretFile)],
      "the home secret",
      present,
    );
  },
};

const readCargoToken: Attempt = {
  name: "read a token in the host's ~/.cargo (only its bin is mounted)",
  proves: "host-root",
  async run({ sh, world }) {
    // rustup's proxies in ~/.cargo/bin are mounted; a crates.io token beside them must stay out.
    const cargoHome = path.join(homedir(), ".cargo");
    const madeCargoHome = !existsSync(cargoHome);
    mkdirSync(cargoHome, { recursive: true });
    const planted = path.join(cargoHome, `credentials-${plantName()}.toml`);
    writeFileSync(planted, `[registry]\ntoken = "${world.canary}"\n`, { mode: 0o600 });
    try {
      // A glob, not the name: the name itself must show only if ~/.cargo can be listed.
      const result = await sh(
        `cat "${cargoHome}"/credentials-slipway-attack-*; cat ~/.cargo/credentials-slipway-attack-*; ls -A "${cargoHome}"`,
      );
      const present = readFileSync(planted, "utf8").includes(world.canary);
      return nothingLeaked(result, [world.canary, path.basename(planted)], "the cargo token", present);
    } finally {
      rmSync(madeCargoHome ? cargoHome : planted, { recursive: true, force: true });
    }
  },
};

export const filesystemAttempts: Attempt[] = [
  writeToEtc,
  writeToHome,
  writeThroughDotDot,
  writeThroughSymlink,
  replaceToolchain,
  poisonMirror,
  readOtherRun,
  readHomeSecret,
  readCargoToken,
];
