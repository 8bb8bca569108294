import { bwrapSandboxBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { testImage } from "../../src/sandbox/docker/test-image.ts";
import { createAttackWorld, openAttackRun } from "./attack-world.ts";
import { filesystemAttempts } from "./attempts-filesystem.ts";
import { gitAttempts } from "./attempts-git.ts";
import { resourceAttempts } from "./attempts-resources.ts";
import { secretAndNetworkAttempts } from "./attempts-secrets-network.ts";
const all = [...filesystemAttempts, ...secretAndNetworkAttempts, ...resourceAttempts, ...gitAttempts];
const [backendName, ...names] = process.argv.slice(2);
const backend = backendName === "docker" ? dockerSandboxBackend({ image: testImage, hostToolchainMounts: true }) : bwrapSandboxBackend;
const world = await createAttackWorld();
try {
  for (const attempt of all.filter((a) => names.length === 0 || names.some((n) => a.name.includes(n)))) {
    const started = performance.now();
    const attack = await openAttackRun(world, backend, attempt);
    try {
      const v = await attempt.run(attack);
      console.log(`${attempt.name} | ${v.blocked} | ${v.evidence} | ${Math.round(performance.now() - started)} ms`);
    } catch (e) { console.log(attempt.name, "THREW", e); } finally { await attack.dispose(); }
  }
} finally { await world.dispose(); }
