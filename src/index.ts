// Slipway's programmatic API: `import { submitRun, verifyDirectory, listRuns } from "slipway"`.
// The same services as the CLI; see docs/api.md.

export {
  ConfigError,
  ForgeError,
  InputError,
  ModelError,
  SandboxError,
  SlipwayError,
  StoreError,
  WorkspaceError,
} from "./core/errors.ts";
export {
  type ReadRunEvent,
  RunEventBody,
  type RunEventDataOf,
  type RunEventType,
  runEventsSchemaVersion,
  type UnknownRunEvent,
} from "./core/events/run-events.ts";
export type { Run, RunEvent } from "./core/run.ts";
export type { ProgressEvent } from "./pipeline/run-context.ts";
export type { SlipwayApiOptions } from "./runs/api-settings.ts";
export { getRun, getRunEvents, type ListRunsOptions, listRuns } from "./runs/read-runs.ts";
export type { RunReport } from "./runs/run-report.ts";
export { type SubmitRunOptions, submitRun } from "./runs/submit-run.ts";
export { type VerifyDirectoryOptions, verifyDirectory } from "./runs/verify-directory.ts";
export type { VerifyDirectoryResult } from "./verify/verify-directory.ts";
