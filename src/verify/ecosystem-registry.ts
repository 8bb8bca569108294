// Every ecosystem detector by name. Adding an ecosystem is a folder under src/verify/ and a line here.
import type { EcosystemDetector } from "./ecosystem.ts";
import { nodeDetector } from "./node/node-detector.ts";

export const ecosystemDetectors: ReadonlyMap<string, EcosystemDetector> = new Map(
  [nodeDetector].map((detector) => [detector.name, detector]),
);
