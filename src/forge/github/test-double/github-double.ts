// Test double of GitHub on 127.0.0.1: the REST endpoints Slipway uses (every request and response
// checked against GitHub's OpenAPI description; drift is recorded in `violations` and answered
// with a 500) and git smart HTTP for pushes, both behind the same token check.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { type GitService, isGitHttpPath, serveGitHttp } from "../../git-http-server.ts";
import { answerOperation, type DoubleResponse, type RouteContext } from "./github-double-routes.ts";
import { emptyGithubDoubleState, type GithubDoubleState } from "./github-double-state.ts";
import { githubFixtures } from "./github-fixtures.ts";
import { createGithubOpenApi, type GithubOpenApi, type OperationMatch } from "./openapi-validator.ts";

/** The operations the double serves: the ones Slipway's GitHub forge calls. */
export const servedOperations = [
  ["get", "/repos/{owner}/{repo}/pulls"],
  ["post", "/repos/{owner}/{repo}/pulls"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}"],
  ["patch", "/repos/{owner}/{repo}/pulls/{pull_number}"],
  ["post", "/repos/{owner}/{repo}/issues/{issue_number}/labels"],
  ["post", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers"],
  ["get", "/repos/{owner}/{repo}/commits/{ref}/check-runs"],
  ["get", "/repos/{owner}/{repo}/commits/{ref}/status"],
  ["get", "/repos/{owner}/{repo}/check-runs/{check_run_id}"],
  ["get", "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs"],
  ["get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
  ["post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}/comments"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"],
  ["get", "/user"],
  ["get", "/repos/{owner}/{repo}/collaborators/{username}/permission"],
] as const;

export interface GithubDoubleOptions {
  owner: string;
  repo: string;
  /** The token with full rights. */
  token: string;
  /** Tokens that may read (API and git fetch) but not push. */
  readOnlyTokens?: string[];
  /** Holds `<owner>/<repo>.git`, the hosted bare repository. */
  projectRoot: string;
  /** Loaded once per test file: the description is large. */
  openApi?: GithubOpenApi;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string | undefined;
  authorization: string | undefined;
}

export interface GithubDouble {
  /** Pass as the forge's `apiUrl` (GitHub Enterprise style, under /api/v3). */
  apiUrl: string;
  /** Pass as the forge's `pushUrl`. */
  pushUrl: string;
  state: GithubDoubleState;
  requests: RecordedRequest[];
  /** Every way a request or response differed from GitHub's OpenAPI description. */
  violations: string[];
  close(): Promise<void>;
}

const apiPrefix = "/api/v3";

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : JSON.parse(text);
}

function send(response: ServerResponse, answer: DoubleResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body === undefined) {
    response.writeHead(answer.status, headers).end();
    return;
  }
  headers["content-type"] = "application/json; charset=utf-8";
  response.writeHead(answer.status, headers).end(JSON.stringify(answer.body));
}

function tokenOf(authorization: string | undefined): string | undefined {
  return /^(?:token|bearer) (.+)$/i.exec(authorization ?? "")?.[1];
}

export async function startGithubDouble(options: GithubDoubleOptions): Promise<GithubDouble> {
  const openApi = options.openApi ?? createGithubOpenApi(servedOperations);
  const state = emptyGithubDoubleState();
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const readOnly = new Set(options.readOnlyTokens ?? []);
  const hostedPath = path.join(options.projectRoot, options.owner, `${options.repo}.git`);
  let context: RouteContext | undefined;

  const authorizeGit = (header: string | undefined, service: GitService): 200 | 401 | 403 => {
    const basic = /^Basic (.+)$/.exec(header ?? "")?.[1];
    const password =
      basic === undefined
        ? undefined
        : Buffer.from(basic, "base64").toString("utf8").split(":").slice(1).join(":");
    if (password === options.token) return 200;
    if (password !== undefined && readOnly.has(password)) return service === "read" ? 200 : 403;
    return 401;
  };

  const answerApi = async (
    request: IncomingMessage,
    url: URL,
    route: RouteContext,
  ): Promise<DoubleResponse> => {
    const pathname = url.pathname.slice(apiPrefix.length);
    const match = openApi.match(request.method ?? "GET", pathname);
    const body = await readJson(request);
    requests.push({
      method: request.method ?? "GET",
      path: pathname,
      operationId: match?.operationId,
      authorization: request.headers.authorization,
    });
    if (match === undefined) {
      violations.push(`unserved ${request.method} ${pathname}`);
      return { status: 404, body: route.fixtures.basicError("Not Found") };
    }
    const token = tokenOf(request.headers.authorization);
    if (token !== options.token && (token === undefined || !readOnly.has(token))) {
      return checked(match, { status: 401, body: route.fixtures.basicError("Bad credentials") });
    }
    const requestProblems = openApi.checkRequest(match, url.searchParams, body);
    if (requestProblems.length > 0) {
      violations.push(...requestProblems.map((problem) => `${match.operationId} request: ${problem}`));
      return { status: 500, body: route.fixtures.basicError(`double: ${requestProblems.join("; ")}`) };
    }
    const scripted = state.failures.find(
      (failure) => failure.operationId === match.operationId && failure.times > 0,
    );
    if (scripted !== undefined) {
      scripted.times--;
      return checked(match, {
        status: scripted.status,
        body: scripted.body,
        headers: scripted.headers ?? {},
      });
    }
    if (token !== options.token && request.method !== "GET") {
      return checked(match, {
        status: 403,
        body: route.fixtures.basicError("Resource not accessible by personal access token"),
      });
    }
    return checked(match, answerOperation(route, match, url.searchParams, body));
  };

  const checked = (match: OperationMatch, answer: DoubleResponse): DoubleResponse => {
    const problems = openApi.checkResponse(match, answer.status, answer.body);
    if (problems.length === 0) return answer;
    violations.push(...problems.map((problem) => `${match.operationId} response: ${problem}`));
    return { status: 500, body: { message: `double: ${problems.join("; ")}` } };
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://double.invalid");
    if (context === undefined) throw new Error("the double answered before it listened");
    const route = context;
    if (isGitHttpPath(url.pathname)) {
      void serveGitHttp(request, response, { projectRoot: options.projectRoot, authorize: authorizeGit });
      return;
    }
    const log = /^\/_double\/logs\/(\d+)$/.exec(url.pathname);
    if (log !== null) {
      const run = state.checkRuns.find((candidate) => String(candidate.id) === log[1]);
      response
        .writeHead(run ? 200 : 404, { "content-type": "text/plain; charset=utf-8" })
        .end(run?.log ?? "");
      return;
    }
    if (!url.pathname.startsWith(`${apiPrefix}/`)) {
      response.writeHead(404).end();
      return;
    }
    answerApi(request, url, route).then(
      (answer) => send(response, answer),
      (error: unknown) => {
        violations.push(`double failed: ${String(error)}`);
        send(response, { status: 500, body: { message: String(error) } });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context = {
    state,
    fixtures: githubFixtures(`${baseUrl}${apiPrefix}`, baseUrl, options.owner, options.repo),
    owner: options.owner,
    hostedPath,
    baseUrl,
  };
  return {
    apiUrl: `${baseUrl}${apiPrefix}`,
    pushUrl: `${baseUrl}/${options.owner}/${options.repo}.git`,
    state,
    requests,
    violations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
