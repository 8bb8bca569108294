// The programmatic `slipway verify`: detect a directory's checks and run them in the configured
// sandbox, in place; returns what was detected and the report.
import { homedir } from "node:os";
import { z } from "zod";
import { chooseConfiguredSandbox } from "../sandbox/registry.ts";
import {
  existingDirectory,
  type VerifyDirectoryResult,
  verifyDirectory as verifyIn,
} from "../verify/verify-directory.ts";
import { apiSettings, parseApiInput, SlipwayApiOptions } from "./api-settings.ts";

export const VerifyDirectoryOptions = SlipwayApiOptions.extend({
  /** The directory to verify (a checkout), used in place. */
  directory: z.string().min(1),
  /** fast: what the agent's verify tool runs; full: the gate's checks. */
  speed: z.enum(["fast", "full"]).default("full"),
  /** auto, bwrap, docker or none; default: the configuration's. */
  sandbox: z.string().min(1).optional(),
});
export type VerifyDirectoryOptions = z.input<typeof VerifyDirectoryOptions> & { signal?: AbortSignal };

/**
 * Run `directory`'s checks. A failing check (or none found where none is declared) is a result whose
 * `report.passed` is false, not an exception; a missing directory or bad configuration throws.
 */
export async function verifyDirectory(input: VerifyDirectoryOptions): Promise<VerifyDirectoryResult> {
  const { signal, ...fields } = input;
  const options = parseApiInput(VerifyDirectoryOptions, fields, "verifyDirectory");
  const directory = await existingDirectory(options.directory);
  const settings = apiSettings(options, options.sandbox ? { sandbox: { backend: options.sandbox } } : {});
  const backend = await chooseConfiguredSandbox(settings.config.sandbox, settings.dataDir);
  return verifyIn({
    directory,
    speed: options.speed,
    backend,
    memoryMb: settings.config.sandbox.memoryMb,
    maxProcesses: settings.config.sandbox.maxProcesses,
    checkTimeoutMs: settings.config.verify.timeoutSeconds * 1000,
    summaryChars: settings.config.verify.summaryChars,
    signal: signal ?? new AbortController().signal,
    hostCaches: { home: homedir(), env: process.env },
  });
}
