// Lanes of an attack suite run at once: each lane (a backend, a weakening) takes a world of its own
// from a pool — its own markers, servers, store, mirror and data directory — so that one lane's
// markers, host connections and controls are never read as another's; all share one canary.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { type AttackWorld, canaryVariable, createAttackWorld, newCanary } from "./attack-world.ts";

type OwnedWorld = AttackWorld & { dispose(): Promise<void> };

export interface WorldPool {
  /** A world no running lane holds; throws when every world is taken (more lanes at once than worlds). */
  take(): AttackWorld;
  give(world: AttackWorld): void;
  /** Dispose every world and take the canary out of the platform's environment. */
  dispose(): Promise<void>;
}

/** `size` worlds, built at once, sharing one canary. */
export async function createWorldPool(size: number): Promise<WorldPool> {
  const canary = newCanary();
  const worlds: OwnedWorld[] = await Promise.all(
    Array.from({ length: Math.max(1, size) }, () => createAttackWorld({ canary })),
  );
  const free: AttackWorld[] = [...worlds];
  return {
    take() {
      const world = free.pop();
      assert.ok(world, `all ${worlds.length} attack worlds are in use: run fewer lanes at once`);
      return world;
    },
    give(world) {
      if (!free.includes(world)) free.push(world);
    },
    async dispose() {
      // One by one: a failed dispose must not leave the others' servers and processes behind.
      for (const world of worlds) await world.dispose().catch(() => undefined);
      delete process.env[canaryVariable];
    },
  };
}

/**
 * A describe per lane under one describe titled `title`, at most `pool`'s size running at once; each
 * lane holds a world from `pool` while its tests run, which `body` reads through `world()`.
 */
export function describeLanes<Lane>(
  title: string,
  lanes: readonly Lane[],
  options: { pool: WorldPool; concurrency: number; laneTitle: (lane: Lane) => string },
  body: (lane: Lane, world: () => AttackWorld) => void,
): void {
  describe(title, { concurrency: options.concurrency }, () => {
    for (const lane of lanes) {
      // A lane's own attempts run one after another (a describe would inherit its parent's concurrency).
      describe(options.laneTitle(lane), { concurrency: 1 }, () => {
        let held: AttackWorld | undefined;
        before(() => {
          held = options.pool.take();
        });
        after(() => {
          if (held) options.pool.give(held);
        });
        body(lane, () => {
          assert.ok(held, "the lane holds no world: its before hook did not run");
          return held;
        });
      });
    }
  });
}
