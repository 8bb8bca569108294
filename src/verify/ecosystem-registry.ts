// Every ecosystem detector by name. Adding an ecosystem is a folder under src/verify/ and a line here.
import type { EcosystemDetector } from "./ecosystem.ts";
import { goDetector } from "./go/go-detector.ts";
import { javaDetector } from "./java/java-detector.ts";
import { makeDetector } from "./make/make-detector.ts";
import { nodeDetector } from "./node/node-detector.ts";
import { pythonDetector } from "./python/python-detector.ts";
import { rustDetector } from "./rust/rust-detector.ts";

export const ecosystemDetectors: ReadonlyMap<string, EcosystemDetector> = new Map(
  [nodeDetector, pythonDetector, rustDetector, goDetector, javaDetector, makeDetector].map((detector) => [
    detector.name,
    detector,
  ]),
);
