// Test-only hooks: every reply a test gets must match the contract (schemas/api-operations.json) for its status.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { isDeepStrictEqual } from 'node:util';
import { apiSchemas } from '../src/api-contract.js';

/** What replies broke the contract in this test file (test/file.setup.ts fails the file when not empty). */
export const contractViolations: string[] = [];
/** Routes and statuses seen, so a test can tell the check ran. */
export const checkedReplies = new Set<string>();

// ajv-formats is CommonJS: its default export is the function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const schema of apiSchemas) ajv.addSchema(schema);
const validators = new WeakMap<object, ValidateFunction>();

interface DeclaredReply {
  description?: string;
  content?: Record<string, { schema: object }>;
  type?: string;
}

/** The JSON schema declared for a status, `null` for a declared reply without JSON, undefined if none. */
function declared(
  route: RouteOptions,
  status: number,
  mediaType: string,
): object | null | undefined {
  const responses = (route.schema as { response?: Record<string, DeclaredReply> } | undefined)
    ?.response;
  const reply = responses?.[String(status)] ?? responses?.[`${String(status)[0]}xx`];
  if (!reply) return undefined;
  if (reply.content) return reply.content[mediaType]?.schema ?? (mediaType ? undefined : null);
  if (reply.type === 'null') return null;
  return reply;
}

const raw = new WeakMap<FastifyRequest, string>();

/** onRoute (tests): adds hooks that compare each reply with the route's declared reply for its status. */
export function checkReplies(route: RouteOptions): void {
  if (!route.url.startsWith('/api/') || (route.schema as { hide?: boolean })?.hide) return;
  const name = `${String(route.method)} ${route.url}`;
  const keepRaw = async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
    // What the handler sent before the serializer ran: a field the schema lacks would be dropped.
    raw.set(request, JSON.stringify(payload));
    return payload;
  };
  const check = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const status = reply.statusCode;
    const type = String(reply.getHeader('content-type') ?? '')
      .split(';')[0]!
      .trim();
    const key = `${name} ${status}`;
    checkedReplies.add(key);
    const schema = declared(route, status, type);
    if (schema === undefined) {
      contractViolations.push(`${key} (${type || 'no body'}): status or media type not declared`);
    } else if (schema !== null && typeof payload === 'string' && type === 'application/json') {
      const body = JSON.parse(payload) as unknown;
      const validate = validators.get(schema) ?? ajv.compile(schema);
      validators.set(schema, validate);
      if (!validate(body))
        contractViolations.push(`${key}: ${ajv.errorsText(validate.errors)} in ${payload}`);
      const sent = raw.get(request);
      if (sent !== undefined && !isDeepStrictEqual(JSON.parse(sent), body))
        contractViolations.push(`${key}: the reply schema dropped or changed fields of ${sent}`);
    }
    return payload;
  };
  route.preSerialization = [...hooks(route.preSerialization), keepRaw];
  route.onSend = [...hooks(route.onSend), check];
}

function hooks<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
