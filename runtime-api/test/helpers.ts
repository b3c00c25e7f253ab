// Test harness: an app on embedded PGlite, or on PostgreSQL in a fresh schema when DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actions, defineAction, type ActionDefinition } from '@poolflow/engine';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp, type AppOptions } from '../src/app.js';
import { checkReplies } from './contract-check.js';
import { memoryImage } from './memory-image.js';

export type Backend = 'pglite' | 'postgres';
/** Storage tests run on embedded PGlite, and also on PostgreSQL when DATABASE_URL is set. */
export const backends: Backend[] = process.env['DATABASE_URL']
  ? ['pglite', 'postgres']
  : ['pglite'];

export interface TestApp {
  app: FastifyInstance;
  adminToken: string;
  close(): Promise<void>;
}

// Every reply of every test app is checked against the contract (contract-check.ts); a mismatch fails the
// file (test/file.setup.ts).

export async function build(backend: Backend, options: Partial<AppOptions> = {}): Promise<TestApp> {
  const url = backend === 'postgres' ? process.env['DATABASE_URL'] : undefined;
  const schema = url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const app = await buildApp({
    databaseUrl: url,
    dataDir: ':memory:',
    image: url ? undefined : memoryImage(),
    schema,
    clock: 'manual',
    secret: 'test-secret',
    ...options,
    onRoute: (route: RouteOptions) => {
      checkReplies(route);
      options.onRoute?.(route);
    },
  });
  await app.auth.ensureAdmin('admin-password-for-tests');
  const adminToken = await login(app, 'admin', 'admin-password-for-tests');
  return {
    app,
    adminToken,
    async close() {
      if (schema) await app.db.raw(`DROP SCHEMA ${schema} CASCADE`);
      await app.close();
    },
  };
}

/**
 * A module's custom action, registered for this test file only: the registry is the process's, and the
 * test files of a worker share a process (vitest.config.ts), so the next file must not find it there.
 */
export function customActionForFile<P>(action: ActionDefinition<P>): void {
  beforeAll(() => {
    defineAction(action);
  });
  afterAll(() => {
    actions.unregister(action.type);
  });
}

export async function login(
  app: FastifyInstance,
  username: string,
  password: string,
): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
  });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

export function template(id: string): Record<string, unknown> {
  const file = join(import.meta.dirname, '..', '..', 'templates', id, 'policy.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/**
 * The CRM template as policy `id` without its duplicate check (`entity.uniqueFields`): for tests that
 * import the same customers again on purpose (an export read back, the same rows in many pools).
 */
export function crmWithoutUniqueFields(id: string): Record<string, unknown> {
  const document = template('crm-customer-pool') as { id: string; entity: Record<string, unknown> };
  document.id = id;
  delete document.entity['uniqueFields'];
  return document;
}

/** A JSON request as a user: returns status and parsed body. */
export async function call(
  app: FastifyInstance,
  token: string | null,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON replies; tests assert on them
): Promise<{ status: number; body: any }> {
  const res = await app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as unknown) : null };
}

/** Publishes a template and creates a pool on it with the given members; returns user tokens by name. */
export async function crmPool(
  t: TestApp,
  users: Record<string, { roles?: string[]; attributes?: Record<string, unknown> }>,
  poolKey = 'crm',
): Promise<{ tokens: Record<string, string>; ids: Record<string, string> }> {
  const { app, adminToken } = t;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const [name, u] of Object.entries(users)) {
    const created = await app.auth.createUser({
      username: name,
      password: `${name}-password`,
      roles: u.roles ?? ['member'],
      attributes: u.attributes ?? {},
    });
    ids[name] = created.id;
    tokens[name] = await login(app, name, `${name}-password`);
  }
  const policy = await call(app, adminToken, 'POST', '/api/policies', {
    document: template('crm-customer-pool'),
  });
  if (policy.status !== 201 && policy.status !== 400) throw new Error(JSON.stringify(policy.body));
  const published = await call(app, adminToken, 'POST', '/api/policies/crm-customer-pool/publish', {
    message: 'first',
  });
  if (published.status !== 200) throw new Error(JSON.stringify(published.body));
  const pool = await call(app, adminToken, 'POST', '/api/pools', {
    key: poolKey,
    name: { en: 'Customers', zh: '客户公海' },
    policyId: 'crm-customer-pool',
    members: Object.values(ids).map((userId) => ({ userId })),
  });
  if (pool.status !== 201) throw new Error(JSON.stringify(pool.body));
  return { tokens, ids };
}

/** Creates users in parallel (scrypt runs on the thread pool) and logs each in; returns tokens and ids by name. */
export async function createUsers(
  t: TestApp,
  names: string[],
  roles: string[] = ['member'],
): Promise<{ tokens: Record<string, string>; ids: Record<string, string> }> {
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  await Promise.all(
    names.map(async (name) => {
      const user = await t.app.auth.createUser({
        username: name,
        password: `${name}-password`,
        roles,
      });
      ids[name] = user.id;
      tokens[name] = await login(t.app, name, `${name}-password`);
    }),
  );
  return { tokens, ids };
}

/** A user made by the admin through the API (in a department), logged in: their id and token. */
export async function apiUser(
  t: TestApp,
  name: string,
  departmentId: string | null,
  roles = ['member'],
): Promise<{ id: string; token: string }> {
  const res = await call(t.app, t.adminToken, 'POST', '/api/users', {
    username: name,
    password: `${name}-password`,
    roles,
    departmentId,
  });
  if (res.status !== 201) throw new Error(`user ${name}: ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, token: await login(t.app, name, `${name}-password`) };
}

/** Starts the app on a real socket (127.0.0.1, a free port) and returns its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** A JSON POST over real HTTP: returns status and parsed body. */
export async function httpPost(
  base: string,
  token: string,
  path: string,
  payload?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON replies; tests assert on them
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** Moves the manual clock on by `days` (running the jobs it runs), as an admin. */
export async function advanceClock(t: TestApp, days: number): Promise<void> {
  const res = await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
}

/** Saves `document` as its policy's draft and publishes it; the version published. */
export async function publishVersion(
  t: TestApp,
  document: Record<string, unknown>,
  message: string,
  force = false,
): Promise<number> {
  const id = String(document['id']);
  const draft = await call(t.app, t.adminToken, 'PUT', `/api/policies/${id}/draft`, { document });
  if (draft.status !== 200) throw new Error(JSON.stringify(draft.body));
  const published = await call(t.app, t.adminToken, 'POST', `/api/policies/${id}/publish`, {
    message,
    ...(force ? { force } : {}),
  });
  if (published.status !== 200) throw new Error(JSON.stringify(published.body));
  return published.body.version as number;
}

/** Creates and publishes a policy document (if new) and opens a pool on it with the given members. */
export async function publishPool(
  t: TestApp,
  document: Record<string, unknown>,
  poolKey: string,
  memberIds: string[],
): Promise<void> {
  const { app, adminToken } = t;
  const id = String(document['id']);
  const created = await call(app, adminToken, 'POST', '/api/policies', { document });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const published = await call(app, adminToken, 'POST', `/api/policies/${id}/publish`, {});
  if (published.status !== 200) throw new Error(JSON.stringify(published.body));
  const pool = await call(app, adminToken, 'POST', '/api/pools', {
    key: poolKey,
    name: { en: poolKey },
    policyId: id,
    members: memberIds.map((userId) => ({ userId })),
  });
  if (pool.status !== 201) throw new Error(JSON.stringify(pool.body));
}

/** The /metrics text as an admin reads it (the in-process app; no metrics token configured). */
export async function metricsText(t: TestApp): Promise<string> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${t.adminToken}` },
  });
  return res.body;
}
