// Helpers of the `slipway pr` commands: finding a recorded pull request by the number a person types
// (`#12` or `12`), across forges, and running a command's work with the app open.
import { InvalidArgumentError } from "commander";
import { InputError } from "../core/errors.ts";
import { forgeFactories } from "../forge/registry.ts";
import type { PullRequestRecord } from "../store/pull-request-store.ts";
import {
  type AppContext,
  type GlobalOptions,
  loadAppSettings,
  noStoreLine,
  withExistingStore,
} from "./app-context.ts";
import { positiveInteger } from "./option-parsers.ts";

export function pullRequestNumber(value: string): number {
  return positiveInteger(value.replace(/^#/, ""));
}

/** For `--forge`: a forge Slipway knows (a mistyped one would silently match no pull request). */
export function forgeName(value: string): string {
  if (forgeFactories.has(value)) return value;
  throw new InvalidArgumentError(`unknown forge: use one of ${[...forgeFactories.keys()].join(", ")}`);
}

/** The one recorded pull request with this number (of `forge`, when given). */
export async function findOne(
  app: AppContext,
  number: number,
  forge: string | undefined,
): Promise<PullRequestRecord> {
  const found = await app.store.listPullRequests({ forge, number, limit: 10 });
  if (found.length === 0) {
    throw new InputError(
      `no pull request #${number}${forge ? ` on ${forge}` : ""}: see \`slipway pr list\``,
      {
        code: "not_found",
      },
    );
  }
  if (found.length > 1) {
    const where = found.map((record) => `${record.forge} ${record.repository}`).join(", ");
    throw new InputError(`#${number} names several pull requests (${where}): pass --forge`, {
      details: { number },
    });
  }
  return found[0]!;
}

/** For a command on pull request #`number` when the data directory has no store: it has none. */
export function noPullRequest(number: number): (dataDir: string) => never {
  return (dataDir) => {
    throw new InputError(`no pull request #${number}: ${noStoreLine(dataDir)}`, { code: "not_found" });
  };
}

/**
 * Open the existing store, print what `work` returns, close the store whatever happens. A data
 * directory without a store is never given one (pull requests come from runs): `whenNoStore` answers.
 */
export async function withApp(
  global: () => GlobalOptions,
  work: (app: AppContext) => Promise<string>,
  whenNoStore: (dataDir: string) => string,
): Promise<void> {
  const settings = loadAppSettings(global());
  const text = await withExistingStore(settings, work, () => whenNoStore(settings.dataDir));
  process.stdout.write(`${text}\n`);
}
