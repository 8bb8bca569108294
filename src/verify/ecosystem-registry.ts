// Every ecosystem detector by name. Adding an ecosystem is a folder under src/verify/ and a line here.
// Fallbacks are asked in this order: cmake before make (a CMake project's Makefile is generated).
import { cmakeDetector } from "./cmake/cmake-detector.ts";
import type { EcosystemDetector } from "./ecosystem.ts";
import { goDetector } from "./go/go-detector.ts";
import { javaDetector } from "./java/java-detector.ts";
import { makeDetector } from "./make/make-detector.ts";
import { nodeDetector } from "./node/node-detector.ts";
import { pythonDetector } from "./python/python-detector.ts";
import { rustDetector } from "./rust/rust-detector.ts";

export const ecosystemDetectors: ReadonlyMap<string, EcosystemDetector> = new Map(
  [nodeDetector, pythonDetector, rustDetector, goDetector, javaDetector, cmakeDetector, makeDetector].map(
    (detector) => [detector.name, detector],
  ),
);
