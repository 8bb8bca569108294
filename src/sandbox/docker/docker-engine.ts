// The connection to the Docker engine and the parsing of its answers: the one place that knows how
// dockerode reports errors and which fields of the engine's JSON the docker backend relies on.
import Docker from "dockerode";
import { z } from "zod";

import { defaultSocketPath } from "./engine-socket.ts";

export { defaultSocketPath };

/** Time allowed for one control call (inspect, create, remove …); commands themselves run longer. */
export const controlTimeoutMs = 30_000;

/**
 * A client for the engine at `socketPath`. The host, port and protocol are set explicitly because
 * dockerode would otherwise take them from DOCKER_HOST and friends: only config reads the env.
 */
export function connectEngine(socketPath: string = defaultSocketPath): Docker {
  return new Docker({
    socketPath,
    host: undefined,
    port: undefined,
    protocol: undefined,
    timeout: undefined,
  });
}

/** The HTTP status of a failed engine call (404: no such object), or undefined for other failures. */
export function engineStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("statusCode" in error)) return undefined;
  return typeof error.statusCode === "number" ? error.statusCode : undefined;
}

/** The engine's own words for a failed call, on one line. */
export function engineMessage(error: unknown): string {
  const parsed = z.object({ json: z.object({ message: z.string() }) }).safeParse(error);
  const text = parsed.success
    ? parsed.data.json.message
    : error instanceof Error
      ? error.message
      : String(error);
  return text.replace(/\s+/g, " ").trim();
}

/** The fields of `GET /exec/{id}/json` the backend uses. */
export const ExecState = z.object({ Running: z.boolean(), ExitCode: z.number().nullable() });
export type ExecState = z.infer<typeof ExecState>;

/**
 * The fields of `GET /images/{name}/json` the backend uses: the image's environment (its PATH) and
 * the directories it declares as VOLUMEs (each would get an uncapped anonymous volume).
 */
export const ImageFacts = z.object({
  Id: z.string(),
  Config: z
    .object({
      Env: z.array(z.string()).nullish(),
      Volumes: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
});
export type ImageFacts = z.infer<typeof ImageFacts>;

/** One entry of `GET /containers/json`: id, creation time in seconds, labels. */
export const ContainerSummary = z.object({
  Id: z.string(),
  Created: z.number(),
  Labels: z.record(z.string(), z.string()).nullish(),
});
export type ContainerSummary = z.infer<typeof ContainerSummary>;

/** The value of `name` in an image's `NAME=value` environment list. */
export function imageEnvironmentValue(image: ImageFacts, name: string): string | undefined {
  const entry = image.Config?.Env?.find((item) => item.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** Why no engine answers at `socketPath`, and how to fix it or choose another backend. */
export function engineUnreachableReason(socketPath: string, error: unknown): string {
  return `no Docker engine answers at ${socketPath} (${engineMessage(error)}); install it with \`apt-get install docker.io\` and start \`dockerd\`, or choose another sandbox: \`--sandbox bwrap\`, or \`--sandbox none\` to run without isolation`;
}

/**
 * Wait for `work` at most `ms`, for the few engine calls dockerode gives no AbortSignal (image
 * inspect, ping): the request itself may linger, but no caller waits on it longer than that.
 */
export async function withinTime<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
