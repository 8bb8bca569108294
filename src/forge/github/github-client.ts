// The Octokit client Slipway talks to GitHub with: one request hook that waits out rate limits
// (bounded), retries a failed GET a little, and turns every other failure into a ForgeError.
import { Octokit } from "@octokit/rest";
import { z } from "zod";
import { ForgeError } from "../../core/errors.ts";
import { forgeHttpError } from "../forge-http-error.ts";
import {
  defaultRateLimitPolicy,
  type ForgeClock,
  type RateLimitPolicy,
  rateLimitDelayMs,
  sleepOrCancel,
  systemClock,
  waitForRateLimit,
} from "../rate-limit.ts";

export interface GithubClientSettings {
  token: string;
  /** REST API root, e.g. `https://api.github.com` or `https://github.example.com/api/v3`. */
  apiUrl: string;
  tokenVariable: string;
  /** Each HTTP request's own limit; waits between attempts do not count. */
  requestTimeoutMs: number;
  rateLimit: RateLimitPolicy;
  clock: ForgeClock;
}

export const githubRightsHint =
  "contents, pull requests and issues: write; checks, commit statuses and actions: read";

/** What Octokit's RequestError carries, read without trusting its shape. */
const RequestFailure = z.object({
  status: z.number().int(),
  message: z.string(),
  request: z.object({ method: z.string(), url: z.string() }).optional(),
  response: z
    .object({
      headers: z.record(z.string(), z.union([z.string(), z.number()]).optional()),
      data: z.unknown(),
    })
    .optional(),
});
type RequestFailure = z.infer<typeof RequestFailure>;

const GithubErrorBody = z.object({
  message: z.string().optional(),
  errors: z
    .array(z.union([z.string(), z.object({ message: z.string().optional(), code: z.string().optional() })]))
    .optional(),
});

/** Attempts of an idempotent GET that failed without an answer or with a 5xx. */
const maxGetAttempts = 3;
const getRetryDelayMs = (attempt: number): number => 1_000 * 2 ** (attempt - 1);

function stringHeaders(failure: RequestFailure): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(failure.response?.headers ?? {})) {
    headers[key.toLowerCase()] = value === undefined ? undefined : String(value);
  }
  return headers;
}

/** GitHub's message and the messages of its `errors` list (validation failures). */
export function githubErrorMessages(data: unknown): { message: string | undefined; errors: string[] } {
  const body = GithubErrorBody.safeParse(data);
  if (!body.success) return { message: typeof data === "string" ? data : undefined, errors: [] };
  const errors = (body.data.errors ?? []).map((entry) =>
    typeof entry === "string" ? entry : (entry.message ?? entry.code ?? ""),
  );
  return { message: body.data.message, errors: errors.filter((text) => text !== "") };
}

function requestName(failure: RequestFailure): string {
  if (failure.request === undefined) return "a request";
  let path = failure.request.url;
  try {
    path = new URL(failure.request.url).pathname;
  } catch {
    // Not an absolute URL: name it as given.
  }
  return `${failure.request.method} ${path}`;
}

function toForgeError(error: unknown, settings: GithubClientSettings): unknown {
  const parsed = RequestFailure.safeParse(error);
  if (!parsed.success) return error;
  const failure = parsed.data;
  const { message, errors } = githubErrorMessages(failure.response?.data);
  const text = [message ?? failure.message, ...errors].join(": ");
  return forgeHttpError(
    {
      forgeName: "GitHub",
      // Octokit reports a failed fetch (no answer) as status 500 without a response.
      status: failure.response === undefined ? undefined : failure.status,
      message: text,
      request: requestName(failure),
      tokenVariable: settings.tokenVariable,
      rightsHint: githubRightsHint,
      details: { errors },
    },
    error,
  );
}

/** The Octokit client with Slipway's rate-limit, retry and error hook. */
export function createGithubClient(settings: GithubClientSettings): Octokit {
  const octokit = new Octokit({
    auth: settings.token,
    baseUrl: settings.apiUrl.replace(/\/+$/, ""),
    userAgent: "slipway",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  octokit.hook.wrap("request", async (request, options) => {
    const signal = options.request?.signal;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(settings.requestTimeoutMs);
      const attemptSignal = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
      try {
        return await request({ ...options, request: { ...options.request, signal: attemptSignal } });
      } catch (error) {
        if (signal?.aborted) {
          throw new ForgeError(`GitHub request ${options.method} ${options.url} was cancelled`, {
            cause: error,
          });
        }
        const failure = RequestFailure.safeParse(error);
        if (!failure.success) throw error;
        const { status, response } = failure.data;
        const headers = stringHeaders(failure.data);
        const { message } = githubErrorMessages(response?.data);
        const wait =
          response === undefined
            ? undefined
            : rateLimitDelayMs(status, headers, settings.clock.now(), message ?? failure.data.message);
        if (wait !== undefined) {
          await waitForRateLimit("GitHub", wait, attempt, {
            policy: settings.rateLimit,
            clock: settings.clock,
            signal,
          });
          continue;
        }
        const retryable = options.method === "GET" && (response === undefined || status >= 500);
        if (retryable && attempt < maxGetAttempts) {
          await sleepOrCancel("GitHub", settings.clock, getRetryDelayMs(attempt), signal);
          continue;
        }
        throw toForgeError(error, settings);
      }
    }
  });
  return octokit;
}

export const defaultGithubClientSettings = {
  requestTimeoutMs: 30_000,
  rateLimit: defaultRateLimitPolicy,
  clock: systemClock,
};
