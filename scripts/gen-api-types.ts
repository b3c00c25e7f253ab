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

/** Components the compiler would write as `{}` (any value but null, to TypeScript): their type as meant. */
const TS_TYPES: Record<string, string> = { noBody: 'Record<string, never> | null' };

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

export async function generateApiTypes(): Promise<ApiTypesFile[]> {
  const definitions: Record<string, unknown> = {};
  for (const file of apiSchemas) {
    for (const [name, schema] of Object.entries(file.definitions)) {
      if (name in definitions) throw new Error(`${file.$id}: ${name} is defined twice`);
      definitions[name] = {
        ...(localRefs(schema) as object),
        title: RENAMED[name] ?? pascal(name),
        ...(TS_TYPES[name] ? { tsType: TS_TYPES[name] } : {}),
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
  // ApiOperations and the reply aliases the compiler puts before it are the operations' concern; the
  // component shapes after it are the data's. Each goes to files of at most MAX_LINES lines.
  const compiled = inParts(ts.trim());
  const opsEnd =
    compiled.indexOf('\n', compiled.indexOf('export interface ApiOperations extends')) + 1;
  const files: ApiTypesFile[] = [
    ...declarationFiles('api-operations', `${compiled.slice(0, opsEnd)}\n${aliases.join('\n')}\n`),
    ...declarationFiles('api-components', compiled.slice(opsEnd)),
  ];
  withImports(files);
  files.push({
    name: 'api-routes.ts',
    text: [
      '/** Method and URL of every operation (`:name` is a path parameter). */',
      `export const apiRoutes = {\n${routes}\n} as const;`,
    ].join('\n'),
  });
  const operationsFile = files
    .find((f) => /^export interface ApiOperations\b/m.test(f.text))!
    .name.replace(/\.ts$/, '.js');
  files.push({
    name: 'api.types.ts',
    text: [
      "// The HTTP API's types, generated from schemas/api*.json (one entry for the runtime and the designer).",
      ...files.map((f) =>
        f.name === 'api-routes.ts'
          ? "export { apiRoutes } from './api-types/api-routes.js';"
          : `export type * from './api-types/${f.name.replace(/\.ts$/, '.js')}';`,
      ),
      `export type OperationId = keyof import('./api-types/${operationsFile}').ApiOperations;`,
    ].join('\n'),
  });
  const config = await resolveConfig(
    fileURLToPath(new URL('../runtime-api/src/api.types.ts', import.meta.url)),
  );
  // Formatted as the repository's Prettier would, so `prettier --check` and the drift test agree.
  return Promise.all(
    files.map(async (f) => ({
      name: f.name,
      text: await format(
        `/* Generated by scripts/gen-types.ts from schemas/api*.json. Do not edit. */\n${f.text}\n`,
        {
          ...config,
          filepath: f.name,
        },
      ),
    })),
  );
}

/** Operations a part of ApiOperations holds. */
const OPERATIONS_PER_PART = 40;

/**
 * ApiOperations as parts it extends, of OPERATIONS_PER_PART operations each: as one declaration, it and
 * the imports of every reply it names passed the 400 lines a file may have.
 */
function inParts(ts: string): string {
  const head = 'export interface ApiOperations {\n';
  const start = ts.indexOf(head);
  const end = ts.indexOf('\n}\n', start);
  // Each operation's entry starts at the interface's own indentation.
  const entries = ts.slice(start + head.length, end).split(/\n(?= {2}\w+\??: )/);
  const parts: string[] = [];
  for (let i = 0; i < entries.length; i += OPERATIONS_PER_PART) {
    const n = parts.length + 1;
    parts.push(
      `/** Operations ${i + 1} to ${Math.min(i + OPERATIONS_PER_PART, entries.length)} (ApiOperations joins the parts). */\n` +
        `export interface ApiOperations${n} {\n${entries.slice(i, i + OPERATIONS_PER_PART).join('\n')}\n}`,
    );
  }
  const names = parts.map((_, i) => `ApiOperations${i + 1}`).join(', ');
  // The parts go before ApiOperations' own comment, which stays with it.
  const at = ts.lastIndexOf('*/\n', start) + 3 === start ? ts.lastIndexOf('/**', start) : start;
  return (
    `${ts.slice(0, at)}${parts.join('\n')}\n${ts.slice(at, start)}` +
    `export interface ApiOperations extends ${names} {}\n${ts.slice(end + 3)}`
  );
}

/** A generated file: its name (in runtime-api/src/api-types/, but the entry) and its text. */
export interface ApiTypesFile {
  name: string;
  text: string;
}

/** Lines one generated file holds at most (a declaration longer than that gets a file of its own). */
const MAX_LINES = 240;

/** Top-level declarations of compiled TypeScript, in order, cut into files of at most MAX_LINES lines. */
function declarationFiles(stem: string, ts: string): ApiTypesFile[] {
  const declarations = ts.split(/\n(?=(?:\/\*\*[^]*?\*\/\n)?export )/).filter((d) => d.trim());
  const files: ApiTypesFile[] = [];
  let current: string[] = [];
  let lines = 0;
  const flush = () => {
    if (current.length === 0) return;
    files.push({ name: `${stem}-${files.length + 1}.types.ts`, text: current.join('\n') });
    current = [];
    lines = 0;
  };
  for (const d of declarations) {
    const n = d.split('\n').length;
    if (lines + n > MAX_LINES) flush();
    current.push(d);
    lines += n;
  }
  flush();
  return files;
}

/** Each file imports the names it uses that another file declares (type imports: cycles are fine). */
function withImports(files: ApiTypesFile[]): void {
  const declaredIn = new Map<string, string>();
  for (const f of files)
    for (const m of f.text.matchAll(/^export (?:interface|type) (\w+)/gm))
      declaredIn.set(m[1], f.name);
  for (const f of files) {
    const used = new Map<string, Set<string>>();
    // Names in comments are not uses.
    const code = f.text.replace(/\/\*[^]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    for (const m of code.matchAll(/\b[A-Z]\w*\b/g)) {
      const from = declaredIn.get(m[0]);
      if (from === undefined || from === f.name) continue;
      used.set(from, (used.get(from) ?? new Set()).add(m[0]));
    }
    const imports = [...used]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([from, names]) =>
          `import type { ${[...names].sort().join(', ')} } from './${from.replace(/\.ts$/, '.js')}';`,
      );
    if (imports.length > 0) f.text = `${imports.join('\n')}\n\n${f.text}`;
  }
}
