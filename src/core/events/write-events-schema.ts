// Writes docs/events.schema.json from the run events' zod schemas (`npm run docs:events`).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { renderRunEventsJsonSchema } from "./run-events.ts";

const target = path.join(import.meta.dirname, "..", "..", "..", "docs", "events.schema.json");
writeFileSync(target, renderRunEventsJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
