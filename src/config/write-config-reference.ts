// Writes docs/configuration-reference.md from the configuration schemas (`npm run docs:config`).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { renderConfigReference } from "./config-reference.ts";

const target = path.join(import.meta.dirname, "..", "..", "docs", "configuration-reference.md");
writeFileSync(target, renderConfigReference());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
