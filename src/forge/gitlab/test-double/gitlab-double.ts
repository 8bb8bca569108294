// Test double of GitLab on 127.0.0.1: the REST v4 endpoints Slipway's GitLab forge calls (merge
// requests, pipelines and jobs, job logs, notes, users), answering in GitLab's shapes and status
// codes, with PRIVATE-TOKEN checks, scripted failures, and git smart HTTP for pushes.
import { execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { z } from "zod";
import { type GitService, isGitHttpPath, serveGitHttp } from "../../git-http-server.ts";

export interface GitlabDoubleMergeRequest {
  iid: number;
  title: string;
  description: string;
  sourceBranch: string;
  targetBranch: string;
  state: "opened" | "closed" | "merged";
  labels: string[];
  reviewerIds: number[];
  createdAt: string;
}

export interface GitlabDoubleJob {
  id: number;
  pipelineId: number;
  name: string;
  status: string;
  allowFailure: boolean;
  log: string;
}

export interface GitlabDoubleState {
  mergeRequests: GitlabDoubleMergeRequest[];
  pipelines: Array<{ id: number; sha: string; status: string }>;
  jobs: GitlabDoubleJob[];
  notes: Array<{ id: number; iid: number; body: string; author: string; createdAt: string; system: boolean }>;
  users: Array<{ id: number; username: string }>;
  /** Project members (direct or inherited) by user id, with their access level (30: Developer). */
  members: Map<number, number>;
  /** The user the token acts as (`GET /user`). */
  tokenUsername: string;
  /** The project's issues by iid, each with the notes posted on it. */
  issues: Array<{ iid: number; notes: string[] }>;
  /** The next `times` requests whose "METHOD path" matches `route` get this answer. */
  failures: Array<{
    route: RegExp;
    status: number;
    headers?: Record<string, string>;
    body: unknown;
    times: number;
  }>;
}

export interface GitlabDouble {
  /** Pass as the forge's `host`. */
  host: string;
  /** Pass as the forge's `pushUrl`. */
  pushUrl: string;
  state: GitlabDoubleState;
  requests: string[];
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const CreateMergeRequest = z.object({
  source_branch: z.string(),
  target_branch: z.string(),
  title: z.string(),
  description: z.string().optional(),
  labels: z.string().optional(),
  reviewer_ids: z.array(z.number()).optional(),
});
const EditMergeRequest = z.object({ title: z.string().optional(), description: z.string().optional() });

function json(status: number, body: unknown): Answer {
  return { status, body };
}

export async function startGitlabDouble(options: {
  project: string;
  token: string;
  projectRoot: string;
}): Promise<GitlabDouble> {
  const state: GitlabDoubleState = {
    mergeRequests: [],
    pipelines: [],
    jobs: [],
    notes: [],
    users: [
      { id: 2, username: "slipway-bot" },
      { id: 7, username: "alice" },
      { id: 8, username: "mallory" },
    ],
    members: new Map([
      [2, 30],
      [7, 40],
    ]),
    tokenUsername: "slipway-bot",
    issues: [],
    failures: [],
  };
  const requests: string[] = [];
  const hostedPath = path.join(options.projectRoot, `${options.project}.git`);
  let baseUrl = "";
  let clock = 0;
  const now = () => new Date(Date.UTC(2026, 0, 5, 10, 0, clock++)).toISOString();

  const headSha = (branch: string): string | null => {
    try {
      return execFileSync(
        "git",
        ["--git-dir", hostedPath, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`],
        { encoding: "utf8" },
      ).trim();
    } catch {
      // No such branch.
      return null;
    }
  };
  const renderMergeRequest = (request: GitlabDoubleMergeRequest) => ({
    id: 10_000 + request.iid,
    iid: request.iid,
    project_id: 1,
    title: request.title,
    description: request.description,
    state: request.state,
    draft: /^draft:/i.test(request.title),
    work_in_progress: /^draft:/i.test(request.title),
    source_branch: request.sourceBranch,
    target_branch: request.targetBranch,
    sha: headSha(request.sourceBranch),
    labels: request.labels,
    reviewers: request.reviewerIds.map((id) => ({
      id,
      username: state.users.find((user) => user.id === id)?.username,
    })),
    web_url: `${baseUrl}/${options.project}/-/merge_requests/${request.iid}`,
    created_at: request.createdAt,
  });
  /** A user's id; a name the double does not know yet gets one, as GitLab would have. */
  const userId = (username: string): number => {
    const known = state.users.find((user) => user.username === username);
    if (known) return known.id;
    const id = 100 + state.users.length;
    state.users.push({ id, username });
    return id;
  };
  const renderJob = (job: GitlabDoubleJob) => ({
    id: job.id,
    name: job.name,
    status: job.status,
    stage: "test",
    allow_failure: job.allowFailure,
    web_url: `${baseUrl}/${options.project}/-/jobs/${job.id}`,
    pipeline: { id: job.pipelineId },
  });

  const routes: Array<[RegExp, (match: string[], query: URLSearchParams, body: unknown) => Answer]> = [
    [
      /^GET merge_requests$/,
      (_, query) => {
        const list = state.mergeRequests
          .filter(
            (request) => !query.has("source_branch") || request.sourceBranch === query.get("source_branch"),
          )
          .filter((request) => !query.has("state") || request.state === query.get("state"))
          .sort((a, b) => b.iid - a.iid);
        return json(200, list.slice(0, Number(query.get("per_page") ?? 20)).map(renderMergeRequest));
      },
    ],
    [
      /^POST merge_requests$/,
      (_, __, body) => {
        const create = CreateMergeRequest.parse(body);
        const open = state.mergeRequests.find(
          (request) => request.state === "opened" && request.sourceBranch === create.source_branch,
        );
        if (open)
          return json(409, {
            message: [`Another open merge request already exists for this source branch: !${open.iid}`],
          });
        if (headSha(create.source_branch) === null)
          return json(422, { message: ["Source branch does not exist"] });
        const request: GitlabDoubleMergeRequest = {
          iid: state.mergeRequests.length + 1,
          title: create.title,
          description: create.description ?? "",
          sourceBranch: create.source_branch,
          targetBranch: create.target_branch,
          state: "opened",
          labels: create.labels ? create.labels.split(",") : [],
          reviewerIds: create.reviewer_ids ?? [],
          createdAt: now(),
        };
        state.mergeRequests.push(request);
        return json(201, renderMergeRequest(request));
      },
    ],
    [
      /^GET merge_requests\/(\d+)$/,
      ([, iid]) => {
        const request = state.mergeRequests.find((candidate) => String(candidate.iid) === iid);
        return request ? json(200, renderMergeRequest(request)) : json(404, { message: "404 Not found" });
      },
    ],
    [
      /^PUT merge_requests\/(\d+)$/,
      ([, iid], _, body) => {
        const request = state.mergeRequests.find((candidate) => String(candidate.iid) === iid);
        if (!request) return json(404, { message: "404 Not found" });
        Object.assign(request, EditMergeRequest.parse(body));
        return json(200, renderMergeRequest(request));
      },
    ],
    [
      /^GET merge_requests\/(\d+)\/notes$/,
      ([, iid], query) => {
        const notes = state.notes.filter((note) => String(note.iid) === iid);
        if (query.get("sort") === "asc") notes.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
        return json(
          200,
          notes.map((note) => ({
            id: note.id,
            body: note.body,
            author: { id: userId(note.author), username: note.author },
            created_at: note.createdAt,
            system: note.system,
            noteable_iid: note.iid,
          })),
        );
      },
    ],
    [
      /^POST issues\/(\d+)\/notes$/,
      ([, iid], _, body) => {
        const issue = state.issues.find((candidate) => String(candidate.iid) === iid);
        if (!issue) return json(404, { message: "404 Issue Not Found" });
        const text = z.object({ body: z.string() }).parse(body).body;
        issue.notes.push(text);
        return json(201, {
          id: 700 + issue.notes.length,
          body: text,
          author: { id: 2, username: "slipway-bot" },
        });
      },
    ],
    [
      /^POST merge_requests\/(\d+)\/notes$/,
      ([, iid], _, body) => {
        const note = {
          id: 500 + state.notes.length,
          iid: Number(iid),
          body: z.object({ body: z.string() }).parse(body).body,
          author: state.tokenUsername,
          createdAt: now(),
          system: false,
        };
        state.notes.push(note);
        return json(201, {
          id: note.id,
          body: note.body,
          author: { id: userId(note.author), username: note.author },
          created_at: note.createdAt,
          system: false,
        });
      },
    ],
    [
      /^GET members\/all\/(\d+)$/,
      ([, id]) => {
        const user = state.users.find((candidate) => String(candidate.id) === id);
        const level = user ? state.members.get(user.id) : undefined;
        if (!user || level === undefined) return json(404, { message: "404 Not found" });
        return json(200, { id: user.id, username: user.username, access_level: level, state: "active" });
      },
    ],
    [
      /^GET pipelines$/,
      (_, query) =>
        json(
          200,
          state.pipelines
            .filter((pipeline) => pipeline.sha === query.get("sha"))
            .sort((a, b) => b.id - a.id)
            .slice(0, Number(query.get("per_page") ?? 20)),
        ),
    ],
    [
      /^GET pipelines\/(\d+)\/jobs$/,
      ([, id]) => json(200, state.jobs.filter((job) => String(job.pipelineId) === id).map(renderJob)),
    ],
    [
      /^GET jobs\/(\d+)\/trace$/,
      ([, id]) => {
        const job = state.jobs.find((candidate) => String(candidate.id) === id);
        return job
          ? { status: 200, body: job.log, headers: { "content-type": "text/plain; charset=utf-8" } }
          : json(404, { message: "404 Not found" });
      },
    ],
  ];

  const answer = (method: string, url: URL, body: unknown, token: string | undefined): Answer => {
    const scripted = state.failures.find(
      (failure) => failure.times > 0 && failure.route.test(`${method} ${url.pathname}`),
    );
    if (scripted) {
      scripted.times--;
      return { status: scripted.status, body: scripted.body, headers: scripted.headers ?? {} };
    }
    if (token !== options.token) return json(401, { message: "401 Unauthorized" });
    if (method === "GET" && url.pathname === "/api/v4/user") {
      return json(200, { id: userId(state.tokenUsername), username: state.tokenUsername });
    }
    if (method === "GET" && url.pathname === "/api/v4/users") {
      return json(
        200,
        state.users.filter((user) => user.username === url.searchParams.get("username")),
      );
    }
    const prefix = `/api/v4/projects/${encodeURIComponent(options.project)}/`;
    if (!url.pathname.startsWith(prefix)) return json(404, { message: "404 Project Not Found" });
    const route = `${method} ${url.pathname.slice(prefix.length)}`;
    for (const [pattern, handle] of routes) {
      const match = pattern.exec(route);
      if (match) return handle([...match], url.searchParams, body);
    }
    return json(404, { message: `404 double has no ${route}` });
  };

  const respond = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://double.invalid");
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    requests.push(`${request.method} ${url.pathname}`);
    const token = request.headers["private-token"];
    const result = answer(
      request.method ?? "GET",
      url,
      text === "" ? undefined : JSON.parse(text),
      typeof token === "string" ? token : undefined,
    );
    const headers = { "content-type": "application/json", ...result.headers };
    const payload = typeof result.body === "string" ? result.body : JSON.stringify(result.body ?? null);
    response.writeHead(result.status, headers).end(result.status === 204 ? undefined : payload);
  };

  const authorizeGit = (header: string | undefined, _service: GitService): 200 | 401 | 403 => {
    const decoded = Buffer.from(/^Basic (.+)$/.exec(header ?? "")?.[1] ?? "", "base64").toString("utf8");
    return decoded === `oauth2:${options.token}` ? 200 : 401;
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://double.invalid");
    if (isGitHttpPath(url.pathname)) {
      void serveGitHttp(request, response, { projectRoot: options.projectRoot, authorize: authorizeGit });
      return;
    }
    respond(request, response).catch((error: unknown) => {
      response
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host: baseUrl,
    pushUrl: `${baseUrl}/${options.project}.git`,
    state,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
