// Generates the HTTP API's TypeScript (components, per-operation inputs and replies, routes) from schemas/api-*.json.
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { format, resolveConfig } from 'prettier';
import { fileURLToPath } from 'node:url';
import { apiSchemas, operations, type Operation } from '../runtime-api/src/api-contract.js';

/** Names that would shadow a global type (Record, Error, DOM's Notification) or read better otherwise. */
const RENAMED: Record<string, string> = {
  record: 'RecordDetail',
  recordListItem: 'PoolRecord',
  error: 'ErrorReply',
  notification: 'PoolNotification',
};

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** `api.schema.json#/definitions/x` -> `#/definitions/x`: every component lives in one generated root. */
function localRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(localRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      key === '$ref' && typeof v === 'string' ? v.replace(/^[^#]*#/, '#') : localRefs(v),
    ]),
  );
}

/** A component schema for a `$ref` (one level: components are not bare refs). */
function resolve(definitions: Record<string, unknown>, schema: unknown): unknown {
  const ref = (schema as { $ref?: string }).$ref;
  return ref === undefined ? schema : definitions[ref.replace(/^.*\/definitions\//, '')];
}

/** The JSON replies of an operation's 2xx statuses (non-JSON replies, e.g. CSV, are strings). */
function replySchemas(op: Operation): object[] {
  return Object.entries(op.responses)
    .filter(([status]) => status.startsWith('2'))
    .map(
      ([, r]) =>
        r.schema ??
        r.content?.['application/json']?.schema ??
        Object.values(r.content ?? {})[0]?.schema ?? { type: 'null' },
    );
}

export async function generateApiTypes(): Promise<string> {
  const definitions: Record<string, unknown> = {};
  for (const file of apiSchemas) {
    for (const [name, schema] of Object.entries(file.definitions)) {
      if (name in definitions) throw new Error(`${file.$id}: ${name} is defined twice`);
      definitions[name] = {
        ...(localRefs(schema) as object),
        title: RENAMED[name] ?? pascal(name),
      };
    }
  }
  // Per operation: <Op>Params, <Op>Query, <Op>Body, <Op>Reply, and one entry of ApiOperations.
  const entries: Record<string, unknown> = {};
  const aliases: string[] = [];
  for (const [id, op] of Object.entries(operations)) {
    const parts: Record<string, unknown> = {};
    const needed: string[] = [];
    const add = (part: string, suffix: string, schema: unknown) => {
      // A part is required when its schema requires a field (a query of optional filters is not).
      const resolved = resolve(definitions, schema) as { required?: string[] };
      if (part === 'reply' || (resolved.required ?? []).length > 0) needed.push(part);
      const name = `${pascal(id)}${suffix}`;
      const ref = (schema as { $ref?: string }).$ref?.replace(/^.*\/definitions\//, '');
      if (ref !== undefined && Object.keys(schema as object).length === 1) {
        // A component as it is: an alias, not a copy (the compiler would inline a copy).
        const target = RENAMED[ref] ?? pascal(ref);
        if (target !== name) aliases.push(`export type ${name} = ${target};`);
        parts[part] = { $ref: `#/definitions/${ref}` };
        return;
      }
      definitions[name] = { ...(localRefs(schema) as object), title: name };
      parts[part] = { $ref: `#/definitions/${name}` };
    };
    if (op.params) add('params', 'Params', op.params);
    if (op.querystring) add('query', 'Query', op.querystring);
    if (op.body) add('body', 'Body', op.body);
    const replies = replySchemas(op);
    add('reply', 'Reply', replies.length === 1 ? replies[0] : { anyOf: replies });
    entries[id] = {
      type: 'object',
      additionalProperties: false,
      required: needed,
      properties: parts,
    };
  }
  const root = {
    title: 'ApiOperations',
    description:
      'Every operation of the HTTP API by operationId: its inputs and its success reply.',
    type: 'object',
    additionalProperties: false,
    required: Object.keys(entries),
    properties: entries,
    definitions,
  };
  const ts = await compile(root as JSONSchema, 'ApiOperations', {
    bannerComment: '',
    additionalProperties: false,
    unreachableDefinitions: true,
    // Bounds stay in the schemas; as types, tuples of every length would be unusable.
    ignoreMinAndMaxItems: true,
    declareExternallyReferenced: true,
    style: { singleQuote: true, printWidth: 100 },
  });
  const routes = Object.entries(operations)
    .map(([id, op]) => `  ${id}: { method: '${op.method}', url: '${op.url}' },`)
    .join('\n');
  const file = fileURLToPath(new URL('../runtime-api/src/api.types.ts', import.meta.url));
  const text = [
    '/* Generated by scripts/gen-types.ts from schemas/api*.json. Do not edit. */\n',
    ts.trim(),
    '',
    ...aliases,
    '',
    '/** Method and URL of every operation (`:name` is a path parameter). */',
    `export const apiRoutes = {\n${routes}\n} as const;`,
    '',
    'export type OperationId = keyof ApiOperations;',
    '',
  ].join('\n');
  // Formatted as the repository's Prettier would, so `prettier --check` and the drift test agree.
  return format(text, { ...(await resolveConfig(file)), filepath: file });
}
