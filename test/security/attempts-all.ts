// Every attack attempt of the suite, in the order of its table.
import type { Attempt } from "./attempt.ts";
import { readStore } from "./attempts-data-dir.ts";
import { filesystemAttempts } from "./attempts-filesystem.ts";
import { gitAttempts } from "./attempts-git.ts";
import { processAttempts } from "./attempts-processes.ts";
import { resourceAttempts } from "./attempts-resources.ts";
import { secretAndNetworkAttempts } from "./attempts-secrets-network.ts";

export const allAttempts: Attempt[] = [
  ...filesystemAttempts,
  readStore,
  ...secretAndNetworkAttempts,
  ...resourceAttempts,
  ...processAttempts,
  ...gitAttempts,
];
