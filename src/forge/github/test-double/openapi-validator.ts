// Test support: checks requests and responses of the GitHub double against GitHub's published
// OpenAPI description (the @octokit/openapi package), so the double cannot drift from the real API.
// The description is OpenAPI 3.0: `nullable: true` is rewritten to JSON Schema before ajv compiles.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import formats from "ajv-formats";
import { z } from "zod";

export interface OperationMatch {
  operationId: string;
  method: string;
  template: string;
  params: Record<string, string>;
}

export interface GithubOpenApi {
  /** The operation a request is for, among the ones the double serves. */
  match(method: string, pathname: string): OperationMatch | undefined;
  /** Problems with a request's query and JSON body; empty when it follows the description. */
  checkRequest(operation: OperationMatch, query: URLSearchParams, body: unknown): string[];
  /** Problems with a response's status and JSON body (undefined: no body). */
  checkResponse(operation: OperationMatch, status: number, body: unknown): string[];
}

const documentId = "https://openapi.github.test/api.github.com.json";

const Parameter = z.object({
  name: z.string(),
  in: z.string(),
  required: z.boolean().optional(),
  schema: z.record(z.string(), z.unknown()),
});
const Operation = z.object({
  operationId: z.string(),
  parameters: z.array(z.record(z.string(), z.unknown())).optional(),
  requestBody: z.record(z.string(), z.unknown()).optional(),
  responses: z.record(z.string(), z.record(z.string(), z.unknown())),
});
type Operation = z.infer<typeof Operation>;
// Shallow on purpose: the description is 13 MB, and deep parsing it would cost seconds per test file.
const ObjectMap = z.record(z.string(), z.unknown());
const Description = z.object({
  paths: ObjectMap,
  components: z.object({ schemas: ObjectMap, parameters: ObjectMap, responses: ObjectMap }),
});
type Description = z.infer<typeof Description>;

/** OpenAPI 3.0 `nullable` → JSON Schema: a `null` type (or an anyOf with null). */
export function nullableToJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullableToJsonSchema);
  if (value === null || typeof value !== "object") return value;
  const converted: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key !== "nullable") converted[key] = nullableToJsonSchema(entry);
  }
  if (!("nullable" in value) || value.nullable !== true) return converted;
  if (typeof converted.type === "string") {
    converted.type = [converted.type, "null"];
    if (Array.isArray(converted.enum)) converted.enum = [...converted.enum, null];
    return converted;
  }
  return { anyOf: [converted, { type: "null" }] };
}

function loadDescription(): Description {
  const require = createRequire(import.meta.url);
  const packageDirectory = path.dirname(require.resolve("@octokit/openapi/package.json"));
  const file = path.join(packageDirectory, "generated", "api.github.com.json");
  return Description.parse(JSON.parse(readFileSync(file, "utf8")));
}

const basicErrorRef = { $ref: "#/components/schemas/basic-error" };

/**
 * The schemas, parameters and responses `roots` refer to, directly or through each other. Only
 * these are converted and handed to ajv: the whole description would take seconds per test file.
 */
function reachableComponents(
  description: Description,
  roots: unknown[],
): Record<string, Record<string, unknown>> {
  const found: Record<string, Record<string, unknown>> = { schemas: {}, parameters: {}, responses: {} };
  const pending = [...roots];
  // Bounded by the description's size: each component is queued at most once.
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) pending.push(...value);
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    for (const [key, entry] of Object.entries(value)) {
      if (key === "examples" || key === "example") continue;
      const ref =
        key === "$ref" && typeof entry === "string"
          ? /^#\/components\/(schemas|parameters|responses)\/(.+)$/.exec(entry)
          : null;
      if (ref?.[1] !== undefined && ref[2] !== undefined) {
        const [, kind, name] = ref;
        const section = found[kind] ?? {};
        if (!(name in section)) {
          section[name] = description.components[kind as "schemas"][name];
          pending.push(section[name]);
        }
      } else {
        pending.push(entry);
      }
    }
  }
  return found;
}

const pointer = (...parts: string[]): string =>
  parts.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

/** A validator for `operations` ([method, path template] pairs) of api.github.com. */
export function createGithubOpenApi(operations: ReadonlyArray<readonly [string, string]>): GithubOpenApi {
  const description = loadDescription();
  const selectedPaths: Record<string, Record<string, unknown>> = {};
  const routes = operations.map(([method, template]) => {
    const raw = ObjectMap.optional().parse(description.paths[template])?.[method];
    if (raw === undefined) throw new Error(`GitHub's OpenAPI description has no ${method} ${template}`);
    selectedPaths[template] = { ...selectedPaths[template], [method]: raw };
    const names: string[] = [];
    const source = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { method, template, operation: Operation.parse(raw), pattern: new RegExp(`^${source}$`), names };
  });
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  formats.default(ajv);
  // Formats GitHub names that ajv-formats does not know: documentation, not constraints.
  for (const format of ["int64", "timestamp", "repo.nwo"]) ajv.addFormat(format, true);
  ajv.addSchema({
    $id: documentId,
    components: nullableToJsonSchema(
      reachableComponents(description, [...Object.values(selectedPaths), basicErrorRef]),
    ),
    paths: nullableToJsonSchema(selectedPaths),
  });
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (location: string): ValidateFunction => {
    let validate = compiled.get(location);
    if (validate === undefined) {
      validate = ajv.compile({ $ref: `${documentId}#/${location}` });
      compiled.set(location, validate);
    }
    return validate;
  };
  const problems = (location: string, value: unknown, what: string): string[] => {
    const validate = validatorAt(location);
    if (validate(value)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((error) => `${what}${error.instancePath} ${error.message}`);
  };
  const resolve = (entry: Record<string, unknown>): Record<string, unknown> => {
    const ref = entry.$ref;
    if (typeof ref !== "string") return entry;
    const [, kind, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? [];
    const section =
      kind === "schemas" || kind === "parameters" || kind === "responses"
        ? description.components[kind]
        : undefined;
    const target = name === undefined ? undefined : section?.[name];
    if (target === null || typeof target !== "object") throw new Error(`unresolvable ${ref}`);
    return target as Record<string, unknown>;
  };
  const routeOf = (match: OperationMatch) => {
    const route = routes.find((candidate) => candidate.operation.operationId === match.operationId);
    if (route === undefined) throw new Error(`no route for ${match.operationId}`);
    return route;
  };
  const operationPointer = (match: OperationMatch, ...rest: string[]) =>
    pointer("paths", match.template, match.method, ...rest);

  return {
    match(method, pathname) {
      for (const route of routes) {
        if (route.method !== method.toLowerCase()) continue;
        const found = route.pattern.exec(pathname);
        if (found === null) continue;
        const params = Object.fromEntries(
          route.names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? "")]),
        );
        return {
          operationId: route.operation.operationId,
          method: route.method,
          template: route.template,
          params,
        };
      }
      return undefined;
    },
    checkRequest(match, query, body) {
      return [...queryProblems(routeOf(match).operation, query, resolve), ...bodyProblems(match, body)];
    },
    checkResponse(match, status, body) {
      const declared = routeOf(match).operation.responses[String(status)];
      if (declared === undefined) {
        // GitHub answers any call with these errors (bad token, rate limit, outage) in its basic-error shape.
        if ([401, 403, 404, 429, 500, 503].includes(status)) {
          return problems(pointer("components", "schemas", "basic-error"), body, `${status} body`);
        }
        return [`${match.operationId} does not document status ${status}`];
      }
      const response = resolve(declared);
      const content = response.content as Record<string, unknown> | undefined;
      if (content?.["application/json"] === undefined) {
        return body === undefined ? [] : [`${match.operationId} ${status} documents no JSON body`];
      }
      const location =
        declared.$ref === undefined
          ? operationPointer(match, "responses", String(status), "content", "application/json", "schema")
          : pointer(
              "components",
              "responses",
              String(declared.$ref).split("/").pop() ?? "",
              "content",
              "application/json",
              "schema",
            );
      return problems(location, body, `${status} body`);
    },
  };

  function bodyProblems(match: OperationMatch, body: unknown): string[] {
    const requestBody = routeOf(match).operation.requestBody;
    if (requestBody === undefined) return body === undefined ? [] : [`${match.operationId} takes no body`];
    if (body === undefined) return requestBody.required === true ? [`${match.operationId} needs a body`] : [];
    return problems(
      operationPointer(match, "requestBody", "content", "application/json", "schema"),
      body,
      "request body",
    );
  }
}

/** Unknown, missing or ill-typed query parameters (values coerced as GitHub reads them). */
function queryProblems(
  operation: Operation,
  query: URLSearchParams,
  resolve: (entry: Record<string, unknown>) => Record<string, unknown>,
): string[] {
  const declared = (operation.parameters ?? []).map((entry) => Parameter.parse(resolve(entry)));
  const inQuery = declared.filter((parameter) => parameter.in === "query");
  const found: string[] = [];
  for (const [name, value] of query) {
    const parameter = inQuery.find((candidate) => candidate.name === name);
    if (parameter === undefined) {
      found.push(`query parameter ${name} is not documented for ${operation.operationId}`);
      continue;
    }
    const { type, enum: allowed } = parameter.schema;
    if (type === "integer" && !/^-?\d+$/.test(value)) found.push(`query ${name}=${value} is not an integer`);
    if (type === "boolean" && !["true", "false"].includes(value))
      found.push(`query ${name}=${value} is not a boolean`);
    if (Array.isArray(allowed) && !allowed.includes(value))
      found.push(`query ${name}=${value} is not one of ${allowed.join(", ")}`);
  }
  for (const parameter of inQuery) {
    if (parameter.required === true && !query.has(parameter.name))
      found.push(`query ${parameter.name} is required`);
  }
  return found;
}
