// Test double: serves bare repositories over git's smart HTTP protocol by running the real
// `git http-backend` as a CGI program, behind a check of the Authorization header. The GitHub and
// GitLab doubles mount it so a forge's push and ls-remote run over real HTTP against real git.
import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";

export type GitService = "read" | "write";

export interface GitHttpOptions {
  /** The directory that holds the bare repositories (`<root>/<owner>/<repo>.git`). */
  projectRoot: string;
  /** 200 lets the request through; 401 and 403 answer as a forge would. */
  authorize(authorization: string | undefined, service: GitService): 200 | 401 | 403;
}

const cgiTimeoutMs = 60_000;

/** True for the URLs of git's smart HTTP protocol. */
export function isGitHttpPath(pathname: string): boolean {
  return /\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/.test(pathname);
}

function serviceOf(url: URL): GitService {
  return url.pathname.endsWith("/git-receive-pack") || url.searchParams.get("service") === "git-receive-pack"
    ? "write"
    : "read";
}

function refuse(response: ServerResponse, status: 401 | 403): void {
  const headers: Record<string, string> = { "content-type": "text/plain" };
  if (status === 401) headers["www-authenticate"] = 'Basic realm="git double"';
  response.writeHead(status, headers);
  response.end(status === 401 ? "Authentication required\n" : "Permission denied\n");
}

/** Split CGI output into its header block and the body that follows. */
function splitCgiOutput(buffer: Buffer): { headers: Map<string, string>; body: Buffer } | undefined {
  for (const separator of ["\r\n\r\n", "\n\n"]) {
    const end = buffer.indexOf(separator);
    if (end < 0) continue;
    const headers = new Map<string, string>();
    for (const line of buffer.subarray(0, end).toString("latin1").split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return { headers, body: buffer.subarray(end + separator.length) };
  }
  return undefined;
}

/** Answer one smart-HTTP request with `git http-backend`. */
export function serveGitHttp(
  request: IncomingMessage,
  response: ServerResponse,
  options: GitHttpOptions,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://double.invalid");
  const verdict = options.authorize(request.headers.authorization, serviceOf(url));
  if (verdict !== 200) {
    refuse(response, verdict);
    request.resume();
    return Promise.resolve();
  }
  const child = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_PROJECT_ROOT: options.projectRoot,
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      REQUEST_METHOD: request.method ?? "GET",
      CONTENT_TYPE: request.headers["content-type"] ?? "",
      HTTP_CONTENT_ENCODING: request.headers["content-encoding"] ?? "",
      // A user is set: http-backend enables receive-pack only for authenticated requests.
      REMOTE_USER: "double",
      REMOTE_ADDR: "127.0.0.1",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), cgiTimeoutMs);
  request.pipe(child.stdin);
  child.stdin.on("error", () => {
    // http-backend stopped reading (it answered with an error): its output says what happened.
  });
  const output: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr.resume();
  return new Promise((resolve) => {
    child.on("close", () => {
      clearTimeout(timer);
      const parsed = splitCgiOutput(Buffer.concat(output));
      if (parsed === undefined) {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end("git http-backend gave no answer\n");
      } else {
        const status = Number(/^(\d{3})/.exec(parsed.headers.get("status") ?? "200")?.[1] ?? 200);
        parsed.headers.delete("status");
        response.writeHead(status, Object.fromEntries(parsed.headers));
        response.end(parsed.body);
      }
      resolve();
    });
  });
}
