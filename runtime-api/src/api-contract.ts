// The one HTTP contract: every route's inputs and replies from schemas/api-operations.json, applied as routes register.
import apiSchema from '@poolflow/schemas/api.schema.json' with { type: 'json' };
import replySchema from '@poolflow/schemas/api-replies.schema.json' with { type: 'json' };
import auditsSchema from '@poolflow/schemas/audits.schema.json' with { type: 'json' };
import routingSchema from '@poolflow/schemas/routing.schema.json' with { type: 'json' };
import catalogue from '@poolflow/schemas/api-operations.json' with { type: 'json' };
import type { RouteOptions } from 'fastify';

/** The component schemas, in the order they are added to Fastify (and read by scripts/gen-types.ts). */
export const apiSchemas: { $id: string; definitions: Record<string, object> }[] = [
  apiSchema,
  replySchema,
  auditsSchema,
  routingSchema,
];

export interface Operation {
  method: string;
  url: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Needs no token (the route also says so with `config.public`). */
  public?: boolean;
  params?: object;
  querystring?: object;
  body?: object;
  /** Success replies by status: a JSON schema, or `content` by media type for non-JSON replies. */
  responses: Record<
    string,
    { description: string; schema?: object; content?: Record<string, { schema: object }> }
  >;
  /** Error statuses besides those every route can send (statusesOf). */
  errors: number[];
  /** Its successful requests are written to the activity log under this action (activity.plugin.ts). */
  activity?: string;
}

export const operations = catalogue.operations as Record<string, Operation>;

const ERROR = { $ref: 'api.schema.json#/definitions/error' };
const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input (details name the fields)',
  401: 'No valid token',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict (taken, or the event is not allowed now)',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Refused by a rule (limits, cooldown, scenarios, idempotency)',
  429: 'Too many attempts (Retry-After says when to try again)',
  500: 'Internal error (details are logged, not sent)',
};

/**
 * Every status an operation can answer, success and error, sorted. Any route may answer 400 (bad
 * headers or query), 401 without a token unless public, and 500; a mutating route also 413 (body too
 * large), 415 (media type) and 422 (Idempotency-Key reused for another request).
 */
export function statusesOf(op: Operation): number[] {
  const mutating = op.method !== 'GET';
  const errors = new Set([
    ...op.errors,
    400,
    500,
    ...(op.public ? [] : [401]),
    ...(mutating ? [413, 415, 422] : []),
  ]);
  return [...Object.keys(op.responses).map(Number), ...[...errors].sort((a, b) => a - b)];
}

/** The query of a GET route that takes none: an unknown parameter is a 400 naming it, as on the others. */
export const NO_QUERY = { type: 'object', additionalProperties: false, properties: {} } as const;

/** The Fastify route schema of an operation (validation, serialisation and the OpenAPI document). */
export function routeSchema(operationId: string, op: Operation): Record<string, unknown> {
  const response: Record<string, object> = {};
  for (const [status, reply] of Object.entries(op.responses)) {
    if (reply.content)
      response[status] = { description: reply.description, content: reply.content };
    else if (reply.schema) response[status] = { description: reply.description, ...reply.schema };
    // fastify-swagger documents `type: 'null'` as a reply without a body.
    else response[status] = { description: reply.description, type: 'null' };
  }
  for (const status of statusesOf(op).filter((s) => s >= 400))
    response[status] = { description: ERROR_TEXT[status] ?? 'Error', ...ERROR };
  return {
    operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: op.tags,
    ...(op.public ? { security: [] } : {}),
    ...(op.params ? { params: op.params } : {}),
    ...(op.querystring
      ? { querystring: op.querystring }
      : op.method === 'GET'
        ? { querystring: NO_QUERY }
        : {}),
    ...(op.body ? { body: op.body } : {}),
    response,
  };
}

/** The body of an operation that takes no fields: none, `{}` or `null`; a field in it is a 400. */
export const NO_BODY = 'api.schema.json#/definitions/noBody';

/** Whether an operation's body is NO_BODY (the route then takes no body, or `{}`). */
export const takesNoBody = (op: Operation): boolean =>
  (op.body as { $ref?: string } | undefined)?.$ref === NO_BODY;

const byRoute = new Map(
  Object.entries(operations).map(([id, op]) => [`${op.method} ${op.url}`, id]),
);

/**
 * onRoute hook: gives each /api/ route its operation's schema. A route missing from the contract, or
 * whose `config.public` disagrees with it, fails at start: the document may not drift from the routes.
 */
export function applyContract(route: RouteOptions): void {
  const schema = (route.schema ?? {}) as { hide?: boolean };
  if (!route.url.startsWith('/api/') || schema.hide) return;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  // Fastify's HEAD twin of a GET route is registered with the GET route's original options.
  for (const method of methods.map((m) => (m === 'HEAD' ? 'GET' : m))) {
    const id = byRoute.get(`${method} ${route.url}`);
    if (!id)
      throw new Error(`${method} ${route.url} has no operation in schemas/api-operations.json`);
    const op = operations[id]!;
    if ((op.public === true) !== (route.config?.public === true))
      throw new Error(`${method} ${route.url}: public differs from schemas/api-operations.json`);
    route.schema = { ...route.schema, ...routeSchema(id, op) };
    if (op.activity) route.config = { ...route.config, activity: op.activity };
  }
}

/**
 * fastify-swagger marks every request body required (Fastify validates a missing one as null): an
 * operation taking no fields says its body may be left out.
 */
export function withOptionalEmptyBodies<T extends object>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  for (const methods of Object.values(paths))
    for (const op of Object.values(methods) as { operationId?: string; requestBody?: object }[]) {
      const declared = op.operationId === undefined ? undefined : operations[op.operationId];
      if (declared && takesNoBody(declared) && op.requestBody)
        op.requestBody = { ...op.requestBody, required: false };
    }
  return document;
}

/**
 * The OpenAPI document without the components nothing refers to: fastify-swagger inlines params and
 * queries as parameters, so their components (and each schema file's root) would be listed unused.
 */
export function withoutUnusedComponents<T extends object>(document: T): T {
  const doc = document as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas;
  if (!schemas) return document;
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        const name =
          key === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '') : null;
        if (name !== null && !used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        } else visit(v);
      }
    }
  };
  visit(doc.paths);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return document;
}
