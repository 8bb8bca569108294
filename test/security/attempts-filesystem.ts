// Attempts on the filesystem walls: writing outside the worktree (system directories, the host's
// home, `..`, a committed symlink, the mirror) and reading what belongs to the platform or other runs.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { symlinkBranch, victimOwner, victimText } from "./attack-world.ts";
import { type Attempt, nothingLeaked, nothingPlanted, plantedOnHost, plantName } from "./attempt.ts";

const writeToEtc: Attempt = {
  name: "write to /etc",
  async run({ sh }) {
    const name = plantName();
    const result = await sh(
      `echo pwned > /etc/${name}; mkdir /etc/${name}.d; echo pwned > /etc/profile.d/${name}.sh`,
    );
    const planted = plantedOnHost([`/etc/${name}`, `/etc/${name}.d`, `/etc/profile.d/${name}.sh`]);
    return nothingPlanted(planted, result.output);
  },
};

const writeToHome: Attempt = {
  name: "write to the host's $HOME",
  async run({ sh }) {
    const name = plantName();
    const home = homedir();
    const result = await sh(`echo pwned > "${home}/${name}"; echo pwned > "${home}/.ssh/${name}"`);
    return nothingPlanted(
      plantedOnHost([path.join(home, name), path.join(home, ".ssh", name)]),
      result.output,
    );
  },
};

const writeThroughDotDot: Attempt = {
  name: "write outside the worktree via ..",
  async run({ sh, worktree }) {
    const name = plantName();
    const parents = [1, 2, 3, 4].map((depth) => path.resolve(worktree, "../".repeat(depth), name));
    const script = [
      `echo pwned > ../${name}; echo pwned > ../../${name}; echo pwned > ../../../${name}`,
      `cd .. && echo pwned > ${name}; cd .. && echo pwned > ${name}`,
      `echo pwned > "${path.dirname(worktree)}/${name}"`,
    ].join("\n");
    const result = await sh(script);
    return nothingPlanted(plantedOnHost(parents), result.output);
  },
};

const writeThroughSymlink: Attempt = {
  name: "write outside via a symlink committed in the repo",
  baseRef: symlinkBranch,
  async run({ sh, world }) {
    const name = plantName();
    const victim = path.join(world.outside, "victim.txt");
    // `escape` → the host directory `outside` (absolute); `up` → ../../../outside (relative).
    const result = await sh(
      `echo pwned > escape/${name}; echo pwned > up/${name}-up; echo pwned >> escape/victim.txt; chmod 666 up/victim.txt`,
    );
    const planted = plantedOnHost([path.join(world.outside, name), path.join(world.outside, `${name}-up`)]);
    // Checked while the sandbox is still open: nothing may touch the file, not even its owner or mode.
    const stat = statSync(victim);
    if (
      stat.uid !== victimOwner ||
      (stat.mode & 0o777) !== 0o600 ||
      readFileSync(victim, "utf8") !== victimText
    )
      planted.push(`${victim} (now uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)})`);
    return nothingPlanted(planted, result.output);
  },
};

const replaceToolchain: Attempt = {
  name: "plant a program in the host's toolchain",
  async run({ sh }) {
    const name = plantName();
    const nodeDirectory = path.dirname(process.execPath);
    const result = await sh(
      `cp /bin/sh /usr/bin/${name}; cp /bin/sh /usr/local/bin/${name}; cp /bin/sh "$(dirname "$(command -v node)")/${name}"; echo pwned > "${nodeDirectory}/${name}"`,
    );
    const planted = plantedOnHost([
      `/usr/bin/${name}`,
      `/usr/local/bin/${name}`,
      path.join(nodeDirectory, name),
    ]);
    return nothingPlanted(planted, result.output);
  },
};

const poisonMirror: Attempt = {
  name: "poison the mirror through the worktree's .git file",
  async run({ sh, world }) {
    const name = plantName();
    const configBefore = readFileSync(path.join(world.mirrorPath, "config"), "utf8");
    const script = [
      `admin=$(sed -n 's/^gitdir: //p' .git); echo "gitdir is $admin"`,
      `mirror=$(dirname "$(dirname "$admin")")`,
      `echo pwned > "$admin/${name}"; mkdir -p "$mirror/hooks"; printf '#!/bin/sh\\necho pwned\\n' > "$mirror/hooks/post-checkout"`,
      `printf '[core]\\n\\tfsmonitor = /tmp/${name}\\n' >> "$mirror/config"; echo x > "$mirror/refs/heads/${name}"`,
    ].join("\n");
    const result = await sh(script);
    const admin = /gitdir is (\S+)/.exec(result.output)?.[1] ?? "";
    const planted = plantedOnHost([
      path.join(admin, name),
      path.join(world.mirrorPath, "hooks", "post-checkout"),
      path.join(world.mirrorPath, "refs", "heads", name),
    ]);
    if (readFileSync(path.join(world.mirrorPath, "config"), "utf8") !== configBefore)
      planted.push("mirror config");
    return nothingPlanted(planted, result.output.replace(/^gitdir is .*\n/, ""));
  },
};

const readOtherRun: Attempt = {
  name: "read another run's worktree",
  async run({ sh, world }) {
    const script = [
      `cat "${world.otherWorktree}/secret.txt"; cat ../run-other/secret.txt`,
      "find / \\( -path /proc -o -path /sys -o -path /usr -o -path /dev \\) -prune -o -name secret.txt -print 2>/dev/null | head -n 20 | xargs -r cat",
    ].join("\n");
    const result = await sh(script);
    return nothingLeaked(result.output, [world.otherRunSecret], "the other run's secret");
  },
};

const readStore: Attempt = {
  name: "read the store and mirrors (the data dir)",
  async run({ sh, world }) {
    const script = [
      `cat "${world.dataDir}/slipway.db"; ls "${world.dataDir}/mirrors"`,
      `cat "${homedir()}/.slipway/slipway.db"; cat ~/.slipway/slipway.db; ls ../../mirrors`,
    ].join("\n");
    const result = await sh(script);
    const mirrorName = path.basename(world.mirrorPath);
    return nothingLeaked(result.output, [world.storeSecret, mirrorName], "the store or a mirror");
  },
};

const readHomeSecret: Attempt = {
  name: "read a secret file in the host's $HOME",
  async run({ sh, world }) {
    // A glob, not the name: the name itself must show only if the host's home can be listed.
    const result = await sh(
      `cat "${homedir()}"/.slipway-attack-secret-*; cat ~/.slipway-attack-secret-*; ls -A "${homedir()}"`,
    );
    return nothingLeaked(
      result.output,
      [world.canary, path.basename(world.homeSecretFile)],
      "the home secret",
    );
  },
};

const readCargoToken: Attempt = {
  name: "read a token in the host's ~/.cargo (only its bin is mounted)",
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
      return nothingLeaked(result.output, [world.canary, path.basename(planted)], "the cargo token");
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
  readStore,
  readHomeSecret,
  readCargoToken,
];
