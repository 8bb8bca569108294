// The error family: one base class with a stable code, a message that tells the user what to do,
// structured fields and a cause. Codes map to exit codes and HTTP status in exit-codes.ts only.

import { redactUrlsIn, redactUrlsInDetails } from "./url-credentials.ts";

const marker = Symbol.for("slipway.error");

export const errorCodes = [
  "config_invalid",
  "input_invalid",
  "repo_invalid",
  "ref_unknown",
  "model_not_configured",
  "model_call_failed",
  "sandbox_unavailable",
  "sandbox_failed",
  "store_failed",
  "workspace_failed",
  "verify_failed",
  "not_found",
  "forge_unauthorized",
  "forge_forbidden",
  "forge_rate_limited",
  "forge_not_configured",
  "push_rejected",
  "pull_request_closed",
  "forge_failed",
  "internal",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface SlipwayErrorOptions {
  /** Structured facts about the failure (a key name, a path, a ref), for logs and --json. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Base of every error Slipway raises on purpose. `message` is one line a user can act on. */
export class SlipwayError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: SlipwayErrorOptions = {}) {
    // A repository URL may carry a token (https://user:token@host): no message or detail shows it.
    super(redactUrlsIn(message), { cause: options.cause });
    this.name = "SlipwayError";
    this.code = code;
    this.details = redactUrlsInDetails(options.details ?? {});
  }

  /** True for any SlipwayError, even one from another copy of this module. */
  static isInstance(value: unknown): value is SlipwayError {
    return typeof value === "object" && value !== null && marker in value;
  }
}

/** A configuration file or environment variable holds a value that fails validation. */
export class ConfigError extends SlipwayError {
  constructor(message: string, options: SlipwayErrorOptions = {}) {
    super("config_invalid", message, options);
    this.name = "ConfigError";
  }
}

/** Something the user typed (a flag, a task, a path) cannot be used as given. */
export class InputError extends SlipwayError {
  constructor(message: string, options: SlipwayErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? "input_invalid", message, options);
    this.name = "InputError";
  }
}

/** No model is configured, or a model call failed after its retries. */
export class ModelError extends SlipwayError {
  constructor(
    message: string,
    options: SlipwayErrorOptions & { code?: "model_not_configured" | "model_call_failed" } = {},
  ) {
    super(options.code ?? "model_call_failed", message, options);
    this.name = "ModelError";
  }
}

/** A sandbox backend is missing or a sandboxed process could not be started. */
export class SandboxError extends SlipwayError {
  constructor(
    message: string,
    options: SlipwayErrorOptions & { code?: "sandbox_unavailable" | "sandbox_failed" } = {},
  ) {
    super(options.code ?? "sandbox_failed", message, options);
    this.name = "SandboxError";
  }
}

/** A git operation on the mirror cache or a worktree failed. */
export class WorkspaceError extends SlipwayError {
  constructor(message: string, options: SlipwayErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? "workspace_failed", message, options);
    this.name = "WorkspaceError";
  }
}

/** The store could not be opened, migrated or written. */
export class StoreError extends SlipwayError {
  constructor(
    message: string,
    options: SlipwayErrorOptions & { code?: "store_failed" | "not_found" | "input_invalid" } = {},
  ) {
    super(options.code ?? "store_failed", message, options);
    this.name = "StoreError";
  }
}

/** A forge (local, GitHub, GitLab) refused or failed a push or a pull-request call. */
export class ForgeError extends SlipwayError {
  constructor(
    message: string,
    options: SlipwayErrorOptions & {
      code?:
        | "forge_unauthorized"
        | "forge_forbidden"
        | "forge_rate_limited"
        | "forge_not_configured"
        | "push_rejected"
        | "pull_request_closed"
        | "forge_failed";
    } = {},
  ) {
    super(options.code ?? "forge_failed", message, options);
    this.name = "ForgeError";
  }
}

/** The one-line text to show a user for any thrown value. */
export function describeError(error: unknown): string {
  if (SlipwayError.isInstance(error)) return error.message;
  if (error instanceof Error) return `unexpected error: ${error.message}`;
  return `unexpected error: ${String(error)}`;
}
