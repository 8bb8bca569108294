// The HTTP layer under gitbeaker for Slipway: gitbeaker's own one retries 429s within
// milliseconds and ignores Retry-After, so this one replaces it. It honours Retry-After and
// RateLimit-Reset (bounded), retries a failed GET a little, applies the caller's AbortSignal
// (handed over through AsyncLocalStorage, as gitbeaker takes none per call) plus a per-request
// timeout, and turns every failure into a ForgeError.
import type { AsyncLocalStorage } from "node:async_hooks";
import {
  createRequesterFn,
  type FormattedResponse,
  type RequesterType,
  type ResourceOptions,
  type ResponseBodyTypes,
} from "@gitbeaker/requester-utils";
import { z } from "zod";
import { ForgeError } from "../../core/errors.ts";
import { forgeHttpError, oneLine } from "../forge-http-error.ts";
import {
  type ForgeClock,
  type RateLimitPolicy,
  rateLimitDelayMs,
  sleepOrCancel,
  waitForRateLimit,
} from "../rate-limit.ts";

export interface GitlabRequesterSettings {
  tokenVariable: string;
  requestTimeoutMs: number;
  rateLimit: RateLimitPolicy;
  clock: ForgeClock;
  /** Holds the AbortSignal of the forge call in progress. */
  callSignal: AsyncLocalStorage<AbortSignal>;
}

export const gitlabRightsHint = "the api scope, and the Developer role or higher on the project";

/** What gitbeaker's options handler hands the request handler. */
const RequestOptions = z.object({
  method: z.string().default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.union([z.string(), z.instanceof(FormData)]).optional(),
  searchParams: z.string().optional(),
  prefixUrl: z.string(),
});

const GitlabErrorBody = z.object({ message: z.unknown().optional(), error: z.unknown().optional() });

const maxGetAttempts = 3;
const getRetryDelayMs = (attempt: number): number => 1_000 * 2 ** (attempt - 1);

/** GitLab's error text: `message` may be a string, a list, or a map of field → problems. */
export function gitlabErrorMessage(body: unknown): string {
  const parsed = GitlabErrorBody.safeParse(body);
  const value = parsed.success ? (parsed.data.message ?? parsed.data.error) : body;
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return oneLine(JSON.stringify(value));
}

async function readBody(response: Response): Promise<ResponseBodyTypes> {
  if (response.status === 204) return null;
  const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  const text = await response.text();
  if (type === "application/json") return text === "" ? {} : (JSON.parse(text) as ResponseBodyTypes);
  return text;
}

function targetUrl(endpoint: string, options: z.infer<typeof RequestOptions>): URL {
  const base = options.prefixUrl.endsWith("/") ? options.prefixUrl : `${options.prefixUrl}/`;
  const url = new URL(endpoint, base);
  url.search = options.searchParams ?? "";
  return url;
}

async function requestOnce(
  url: URL,
  options: z.infer<typeof RequestOptions>,
  settings: GitlabRequesterSettings,
): Promise<Response | undefined> {
  const timeout = AbortSignal.timeout(settings.requestTimeoutMs);
  const caller = settings.callSignal.getStore();
  try {
    return await fetch(url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      // The token header must not follow a redirect to another host.
      redirect: "error",
      signal: caller === undefined ? timeout : AbortSignal.any([caller, timeout]),
    });
  } catch (error) {
    if (caller?.aborted)
      throw new ForgeError(`GitLab request ${options.method} ${url.pathname} was cancelled`, {
        cause: error,
      });
    return undefined;
  }
}

async function handleRequest(
  endpoint: string,
  rawOptions: Record<string, unknown> | undefined,
  settings: GitlabRequesterSettings,
): Promise<FormattedResponse> {
  const options = RequestOptions.parse(rawOptions ?? {});
  const url = targetUrl(endpoint, options);
  const request = `${options.method} ${url.pathname}`;
  const signal = settings.callSignal.getStore();
  for (let attempt = 1; ; attempt++) {
    const response = await requestOnce(url, options, settings);
    const retryable = options.method === "GET" && attempt < maxGetAttempts;
    if (response === undefined) {
      if (retryable) {
        await sleepOrCancel("GitLab", settings.clock, getRetryDelayMs(attempt), signal);
        continue;
      }
      throw forgeHttpError({
        forgeName: "GitLab",
        status: undefined,
        message: "no answer (network error or timeout)",
        request,
        tokenVariable: settings.tokenVariable,
        rightsHint: gitlabRightsHint,
      });
    }
    const body = await readBody(response);
    const headers = Object.fromEntries(response.headers.entries());
    if (response.ok) return { body, headers, status: response.status };
    const message = gitlabErrorMessage(body);
    const wait = rateLimitDelayMs(response.status, headers, settings.clock.now(), message);
    if (wait !== undefined) {
      await waitForRateLimit("GitLab", wait, attempt, {
        policy: settings.rateLimit,
        clock: settings.clock,
        signal,
      });
      continue;
    }
    if (retryable && response.status >= 500) {
      await sleepOrCancel("GitLab", settings.clock, getRetryDelayMs(attempt), signal);
      continue;
    }
    throw forgeHttpError({
      forgeName: "GitLab",
      status: response.status,
      message: message || response.statusText,
      request,
      tokenVariable: settings.tokenVariable,
      rightsHint: gitlabRightsHint,
    });
  }
}

/** A gitbeaker `requesterFn` that requests through Slipway's bounded, rate-limit-aware handler. */
export function createGitlabRequesterFn(
  settings: GitlabRequesterSettings,
): (resourceOptions: ResourceOptions) => RequesterType {
  return createRequesterFn(
    (_resourceOptions, requestOptions) => Promise.resolve(requestOptions),
    (endpoint, options) => handleRequest(endpoint, options, settings),
  );
}
