// One bounded HTTP request for `slipway doctor`'s model and forge checks: a timeout on the whole
// exchange, a cap on the body read, and a failure returned as a reason instead of thrown.
import type { z } from "zod";

/** Long enough for a provider across an ocean; short enough that doctor never seems to hang. */
export const doctorRequestTimeoutMs = 8_000;
const maxBodyBytes = 256 * 1024;

/** The outcome of a finding: `warning` leaves doctor's exit code alone, the fix says what to do. */
export interface DoctorFinding {
  /** `pnpm`/`yarn`: the package manager package.json pins (doctor-package-manager.ts). */
  name: "model" | "forge" | "pnpm" | "yarn";
  state: "ok" | "warning" | "skipped";
  detail: string;
  fix?: string;
}

export type BoundedResponse =
  | { reached: true; status: number; headers: Headers; body: unknown }
  | { reached: false; reason: string };

async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < maxBodyBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  // The rest of a large body is not needed: cancel instead of reading it.
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString("utf8").slice(0, maxBodyBytes);
}

/** GET `url` with `headers`; never throws, never waits longer than the timeout. */
export async function boundedGet(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number = doctorRequestTimeoutMs,
): Promise<BoundedResponse> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { headers, signal, redirect: "manual" });
    const text = await readCapped(response);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an HTML error page, a plain 404): kept as text, which the checks only name.
    }
    return { reached: true, status: response.status, headers: response.headers, body };
  } catch (error) {
    if (signal.aborted) return { reached: false, reason: `no answer within ${timeoutMs / 1000} s` };
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    return { reached: false, reason: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

/** A field of a JSON body, parsed; undefined when the body does not have that shape. */
export function bodyField<T>(body: unknown, schema: z.ZodType<T>): T | undefined {
  const parsed = schema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}
