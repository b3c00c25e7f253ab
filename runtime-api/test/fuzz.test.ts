// Drives every operation of the OpenAPI document with generated bad input (bodies, query strings, path
// parameters, headers; seeded) as an admin and as a member, and asserts that nothing answers 5xx.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, login, type TestApp } from './helpers.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  format?: string;
  minimum?: number;
}
interface Operation {
  method: Method;
  path: string;
  params: { in: string; name: string; schema?: Schema }[];
  body?: Schema;
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const deep = (n: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** Values of every wrong kind: types, sizes, NUL, injection-looking text, odd numbers, nesting. */
const NASTY: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  '',
  ' ',
  'x'.repeat(100_000),
  'a\u0000b',
  '\u0000',
  '💥'.repeat(1000),
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00',
  '{{7*7}}',
  '2026-13-45T99:99:99Z',
  '00000000-0000-0000-0000-000000000000',
  'NaN',
  '1e999',
  [],
  [1, 'two', null],
  {},
  { a: 1 },
  { constructor: { prototype: { admin: true } } },
  deep(100),
  Array.from({ length: 2000 }, (_, i) => i),
];

/** A random JSON value up to `depth` levels: the generated trees no hand-written case thought of. */
function randomJson(random: () => number, depth: number): unknown {
  const r = random();
  if (depth <= 0 || r < 0.3) {
    const leaves = [null, true, false, 0, -0.5, 1e21, 'x', '', '\u0000', 'é'.repeat(300)];
    return leaves[Math.floor(random() * leaves.length)];
  }
  const n = Math.floor(random() * 4);
  if (r < 0.6) return Array.from({ length: n }, () => randomJson(random, depth - 1));
  const keys = ['data', 'type', 'payload', 'userId', 'ownerId', 'name', 'document', 'days', 'x'];
  return Object.fromEntries(
    Array.from({ length: n }, () => [
      keys[Math.floor(random() * keys.length)]!,
      randomJson(random, depth - 1),
    ]),
  );
}

/** Import bodies: broken CSV and NDJSON of every sort. */
const IMPORT_BODIES: [string, string][] = [
  ['text/csv', ''],
  ['text/csv', 'name\n"unterminated'],
  ['text/csv', 'name,industry\nA,trade,extra,cells\n'],
  ['text/csv', `${Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',')}\nx\n`],
  ['text/csv', 'name,ownerId\nA\u0000B,\u0000\n'],
  ['text/csv', '\ufeffname\nBOM Co\n'],
  ['text/csv', 'name,urgency\nA,1e999\nB,-0\nC,NaN\n'],
  ['text/csv', 'name\n=HYPERLINK("x")\n'],
  ['text/csv', '\u0000\u0001\u0002\n\r\r\n,,,\n'],
  ['application/x-ndjson', '{"data":{"name":"a\\u0000b"}}\n'],
  ['application/x-ndjson', `{"data":${'['.repeat(5000)}${']'.repeat(5000)}}\n`],
  ['application/x-ndjson', '[1,2]\nnull\n"x"\n{"data":[]}\n{"data":{},"ownerId":5}\n'],
  ['application/x-ndjson', '{"data":{"name":"x"},"ownerId":"no-such-user"}\n'],
  ['application/x-ndjson', '{"data":{"name":"x","__proto__":{"a":1}}}\n'],
];

const NASTY_SEGMENTS = [
  'x',
  '%00',
  'a%00b',
  'x'.repeat(3000),
  '%E2%82',
  '..%2F..%2Fetc',
  '%20',
  encodeURIComponent('💥💥'),
  '-1',
  '1e999',
  'NaN',
];

const NASTY_QUERY = [
  '',
  '%00',
  'a%00b',
  'x'.repeat(5000),
  '-1',
  '1e999',
  '0',
  'true',
  '%E2%82',
  '[]',
];

describe.each(backends)('fuzz over the OpenAPI document (%s)', (backend) => {
  let t: TestApp;
  let doc: {
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, Schema> };
  };
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  let recordId: string;

  const resolve = (schema: Schema | undefined): Schema | undefined => {
    if (!schema?.$ref) return schema;
    return doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
  };

  /** A plausible value for a schema, so one bad field at a time reaches the handler. */
  const plausible = (raw: Schema | undefined): unknown => {
    const schema = resolve(raw);
    if (!schema) return 'x';
    if (schema.enum) return schema.enum[0];
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === 'string')
      return schema.format === 'uuid'
        ? recordId
        : schema.format === 'date-time'
          ? new Date().toISOString()
          : 'x';
    if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
    if (type === 'boolean') return false;
    if (type === 'array') return [];
    if (type === 'object' || schema.properties) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(schema.properties ?? {})) out[k] = plausible(v);
      return out;
    }
    return 'x';
  };

  const validParam = (path: string, name: string): string => {
    if (name === 'pool') return 'crm';
    if (name === 'v') return '1';
    if (path.includes('/records/')) return recordId;
    if (path.startsWith('/api/users/')) return ids['member']!;
    return 'crm-customer-pool';
  };

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { member: {}, boss: { roles: ['manager'] } }));
    const created = await call(t.app, tokens['member']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Fuzz Co', phone: '123' },
      ownerId: ids['member'],
    });
    recordId = created.body.id as string;
    doc = (await call(t.app, null, 'GET', '/api/openapi.json')).body as typeof doc;
  });
  afterAll(() => t.close());

  it('answers every generated bad request with a 4xx (or a 2xx), never a 5xx', async () => {
    const random = prng(20261130);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
    const operations: Operation[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const o = op as {
          parameters?: Operation['params'];
          requestBody?: { content?: Record<string, { schema?: Schema }> };
        };
        const body = o.requestBody?.content?.['application/json']?.schema;
        operations.push({
          method: method.toUpperCase() as Method,
          path,
          params: o.parameters ?? [],
          ...(body ? { body } : {}),
        });
      }
    }
    // Logging out revokes the caller's token: last, so the rest runs signed in.
    operations.sort(
      (a, b) => Number(a.path.startsWith('/api/auth')) - Number(b.path.startsWith('/api/auth')),
    );
    expect(operations.length).toBeGreaterThan(40);

    let sent = 0;
    const failures: string[] = [];
    const send = async (
      who: 'admin' | 'member',
      method: Method,
      url: string,
      payload?: string,
      headers: Record<string, string> = {},
    ) => {
      const token = who === 'admin' ? t.adminToken : tokens['member']!;
      const res = await t.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(payload === undefined ? {} : { payload }),
      });
      sent++;
      if (res.statusCode >= 500)
        failures.push(
          `${res.statusCode} ${who} ${method} ${url.slice(0, 200)} ${(payload ?? '').slice(0, 200)} ${JSON.stringify(headers).slice(0, 200)}`,
        );
      // A refused or revoked token is signed in again, so the next requests still reach the handlers.
      if (res.statusCode === 401 && !url.startsWith('/api/auth')) {
        if (who === 'admin') t.adminToken = await login(t.app, 'admin', 'admin-password-for-tests');
        else tokens['member'] = await login(t.app, 'member', 'member-password');
      }
    };

    for (const op of operations) {
      const pathParams = op.params.filter((p) => p.in === 'path').map((p) => p.name);
      const queryParams = op.params.filter((p) => p.in === 'query');
      const url = (override: Record<string, string> = {}, query = '') =>
        op.path.replace(
          /\{(\w+)\}/g,
          (_, name: string) => override[name] ?? validParam(op.path, name),
        ) + (query ? `?${query}` : '');
      const base = op.body ? (plausible(op.body) as Record<string, unknown>) : undefined;
      const bodies: (string | undefined)[] = [];
      if (op.method !== 'GET') {
        for (const v of NASTY) bodies.push(JSON.stringify(v));
        bodies.push(
          `${'{"a":['.repeat(5000)}1${']}'.repeat(5000)}`,
          '{',
          'not json',
          '\u0000',
          '{"a":1}{"b":2}',
          '',
        );
        if (base && typeof base === 'object') {
          for (const key of Object.keys(base)) {
            for (let i = 0; i < 6; i++)
              bodies.push(JSON.stringify({ ...base, [key]: pick(NASTY) }));
          }
          bodies.push(JSON.stringify({ ...base, extra: 'field' }), JSON.stringify([base]));
        }
      }
      const queries: string[] = [];
      for (const q of queryParams) {
        for (const v of NASTY_QUERY) queries.push(`${q.name}=${v}`);
        queries.push(`${q.name}=1&${q.name}=2`);
      }
      if (op.path.endsWith('/records') && op.method === 'GET') {
        for (const forged of [['1e999', recordId], ['0', recordId], ['1', 'x'], ['x']])
          queries.push(`cursor=${Buffer.from(JSON.stringify(forged)).toString('base64url')}`);
        queries.push(
          `sort=updated&cursor=${Buffer.from(JSON.stringify(['0', recordId])).toString('base64url')}`,
        );
        queries.push(
          `sort=updated&cursor=${Buffer.from(JSON.stringify(['+010000-01-01T00:00:00.000Z', recordId])).toString('base64url')}`,
        );
      }
      queries.push('unknown=1', 'a%00=b');
      const segments = pathParams.flatMap((name) =>
        [...NASTY_SEGMENTS, randomUUID()].map((s) => ({ [name]: s })),
      );
      if (op.method !== 'GET')
        for (let i = 0; i < 30; i++) bodies.push(JSON.stringify(randomJson(random, 6)));
      const headerSets: Record<string, string>[] = [
        { 'idempotency-key': '' },
        { 'idempotency-key': 'x'.repeat(201) },
        { 'idempotency-key': 'ÿ-key' },
        { 'idempotency-key': `k-${op.path}` },
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/x-www-form-urlencoded' },
        { 'content-type': 'multipart/form-data; boundary=x' },
        { 'content-type': 'text/csv' },
        { 'content-type': 'application/json; charset=latin1' },
        { accept: 'application/x-ndjson' },
      ];

      for (const who of ['admin', 'member'] as const) {
        for (const payload of bodies) await send(who, op.method, url(), payload);
        if (op.path.endsWith('/import'))
          for (const [type, payload] of IMPORT_BODIES)
            await send(who, op.method, url(), payload, { 'content-type': type });
        for (const query of queries)
          await send(who, op.method, url({}, query), base ? JSON.stringify(base) : undefined);
        for (const segment of segments)
          await send(who, op.method, url(segment), base ? JSON.stringify(base) : undefined);
        for (const headers of headerSets) {
          const payload = op.method === 'GET' ? undefined : JSON.stringify(base ?? {});
          await send(who, op.method, url(), payload, headers);
          // The same key again with another body: a mismatch, not a failure.
          if (headers['idempotency-key'] && op.method !== 'GET')
            await send(who, op.method, url(), JSON.stringify({ other: random() }), headers);
        }
      }
    }
    console.log(`fuzz (${backend}): ${sent} requests, ${failures.length} answered 5xx`);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(2000);
  }, 240_000);
});
