// Every setup detector by name. Adding an ecosystem is a folder under src/setup/ and a line here.
import { goSetup } from "./go/go-setup.ts";
import { javaSetup } from "./java/java-setup.ts";
import { nodeSetup } from "./node/node-setup.ts";
import { pythonSetup } from "./python/python-setup.ts";
import { rustSetup } from "./rust/rust-setup.ts";
import type { SetupDetector } from "./setup-detector.ts";

export const setupDetectors: ReadonlyMap<string, SetupDetector> = new Map(
  [nodeSetup, pythonSetup, rustSetup, goSetup, javaSetup].map((detector) => [detector.name, detector]),
);
