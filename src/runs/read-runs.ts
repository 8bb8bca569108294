// The programmatic `slipway runs` and `slipway show`: read what runs recorded, never creating a
// data directory or a store (a directory with none has no runs).
import { z } from "zod";
import { type ReadRunEvent, readRunEvents } from "../core/events/run-events.ts";
import type { Run } from "../core/run.ts";
import { apiSettings, parseApiInput, SlipwayApiOptions } from "./api-settings.ts";
import { withExistingStore } from "./app-context.ts";

export const ListRunsOptions = SlipwayApiOptions.extend({
  /** At most this many runs, newest first. */
  limit: z.number().int().min(1).max(500).default(20),
  /** Runs to skip first (for reading page by page). */
  offset: z.number().int().min(0).default(0),
});
export type ListRunsOptions = z.input<typeof ListRunsOptions>;

const RunId = z.string().trim().min(6, "give a run id or a prefix of at least 6 characters");

/** Recorded runs, newest first; empty when the data directory holds no store. */
export async function listRuns(input: ListRunsOptions = {}): Promise<Run[]> {
  const options = parseApiInput(ListRunsOptions, input, "listRuns");
  return withExistingStore(
    apiSettings(options),
    (app) => app.store.listRuns({ limit: options.limit, offset: options.offset }),
    () => [],
  );
}

/** One run by id or unique prefix; undefined when there is none. */
export async function getRun(id: string, options: SlipwayApiOptions = {}): Promise<Run | undefined> {
  const runId = parseApiInput(RunId, id, "getRun");
  const settings = apiSettings(parseApiInput(SlipwayApiOptions, options, "getRun"));
  return withExistingStore(
    settings,
    (app) => app.store.getRun(runId),
    () => undefined,
  );
}

/**
 * A run's trace in order (by id or unique prefix), each event typed by the run event schema (one
 * that does not parse comes back as `type: "unknown"` with its `rawType`); undefined when there is
 * no such run.
 */
export async function getRunEvents(
  id: string,
  options: SlipwayApiOptions = {},
): Promise<ReadRunEvent[] | undefined> {
  const runId = parseApiInput(RunId, id, "getRunEvents");
  const settings = apiSettings(parseApiInput(SlipwayApiOptions, options, "getRunEvents"));
  return withExistingStore(
    settings,
    async (app) => {
      const run = await app.store.getRun(runId);
      return run ? readRunEvents(await app.store.listEvents(run.id)) : undefined;
    },
    () => undefined,
  );
}
