// Starts the real server (`node runtime-api/dist/server.js`, as `npm start` does) for tests that watch it
// from outside: over HTTP, in its database and in its log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterEach, expect, inject } from 'vitest';

export const ADMIN_PASSWORD = 'admin-password-for-process-tests';
const serverFile = join(import.meta.dirname, '..', 'dist', 'server.js');

/** A free TCP port on 127.0.0.1 (the server prints the port it was given, not the one it got). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL URL whose connections use `schema` (the server and its sweep workers alike). */
export const urlWithSchema = (url: string, schema: string): string =>
  `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** Every server a test started and has not seen exit: stopped when the test process exits. */
const running = new Set<ChildProcess>();
// A test that times out never reaches its `finally`: without this its servers outlived the run,
// sweeping every 100 ms on a machine that was running the rest of the suite.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ServerProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly base: string;
  readonly exited: Promise<number | null>;
  readonly #started: Promise<void>;

  constructor(port: number, env: Record<string, string>) {
    this.base = `http://127.0.0.1:${port}`;
    // The test's DATABASE_URL is not inherited: a server runs on PostgreSQL only when `env` says so.
    const inherited = { ...process.env };
    delete inherited['DATABASE_URL'];
    this.child = spawn(process.execPath, ['--max-semi-space-size=64', serverFile], {
      env: {
        ...inherited,
        POOLFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
        POOLFLOW_SWEEP_INTERVAL_MS: '100',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this.child);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        running.delete(this.child);
        resolve(code);
      }),
    );
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.lines.push(line));
    }
    this.#started = new Promise((resolve, reject) => {
      const check = setInterval(() => {
        if (this.lines.some((l) => l.includes('Poolflow is running at'))) {
          clearInterval(check);
          resolve();
        }
      }, 20);
      void this.exited.then((code) => {
        clearInterval(check);
        reject(new Error(`server exited with ${code}:\n${this.lines.join('\n')}`));
      });
    });
    this.#started.catch(() => undefined);
  }

  /** Resolves once the server listens (rejects if it exits first). */
  started(): Promise<void> {
    return this.#started;
  }

  /** Stops the server (SIGTERM: a clean shutdown) and waits for it. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }

  async login(username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
    const res = await fetch(`${this.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  }
}

/** A JSON reply of a real server: status and body (`{}` for an empty one). */
export interface ProcessReply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON replies; tests assert on them
  body: any;
}

/** Calls a real server's API with a bearer token. */
export async function apiCall(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ProcessReply> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : {} };
}

export const REP_PASSWORD = 'rep-password-123';

/**
 * A rep (username `rep`, password `REP_PASSWORD`) and a pool `key` on `policyId` whose members are the
 * calling admin and the rep, created over the API as an admin would. Gives both users' ids.
 */
export async function poolWithRep(
  base: string,
  token: string,
  key: string,
  policyId: string,
): Promise<{ adminId: string; repId: string }> {
  const adminId = (await apiCall(base, token, 'GET', '/api/me')).body.id as string;
  const rep = await apiCall(base, token, 'POST', '/api/users', {
    username: 'rep',
    password: REP_PASSWORD,
    displayName: 'Rep',
    roles: ['member'],
  });
  expect(rep.status, JSON.stringify(rep.body)).toBe(201);
  const pool = await apiCall(base, token, 'POST', '/api/pools', {
    key,
    name: { en: key },
    policyId,
    members: [{ userId: adminId }, { userId: rep.body.id }],
  });
  expect(pool.status, JSON.stringify(pool.body)).toBe(201);
  return { adminId, repId: rep.body.id as string };
}

/** Polls `test` until it holds or `ms` pass; returns its last value. */
export async function within<T>(
  ms: number,
  test: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await test();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Where a test's server keeps its data: a fresh schema on the test's PostgreSQL (with `sweepWorkers`
 * sweep threads), or a fresh PGlite folder, migrated. `env` is for the server; `cleanup` drops it all.
 */
export async function serverStorage(
  backend: 'pglite' | 'postgres',
  sweepWorkers = 0,
): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  if (backend === 'postgres') {
    const url = process.env['DATABASE_URL'] as string;
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    return {
      env: {
        DATABASE_URL: urlWithSchema(url, schema),
        POOLFLOW_SWEEP_WORKERS: String(sweepWorkers),
      },
      async cleanup() {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'poolflow-server-'));
  // A copy of the run's migrated data folder: what the server's own first start would make, without its
  // initdb (test/pglite-image.setup.ts). Tests of a first start on an empty folder make their own.
  cpSync(inject('pgliteDataDir'), dir, { recursive: true });
  return {
    env: { POOLFLOW_DATA_DIR: dir },
    cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

/**
 * One real server per test on fresh storage, stopped and its storage dropped after each test (call in a
 * describe block). `start` returns the started server; `prepare` runs on the fresh storage before it
 * starts (given the server's environment), as a seed script would.
 */
export function serverPerTest(backend: 'pglite' | 'postgres'): {
  start(
    sweepWorkers?: number,
    env?: Record<string, string>,
    prepare?: (env: Record<string, string>) => Promise<void>,
  ): Promise<ServerProcess>;
} {
  let server: ServerProcess | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await server?.stop();
    await cleanup?.();
    server = undefined;
    cleanup = undefined;
  });
  return {
    async start(sweepWorkers = 0, env = {}, prepare = undefined) {
      const storage = await serverStorage(backend, sweepWorkers);
      cleanup = storage.cleanup;
      await prepare?.(storage.env);
      server = new ServerProcess(await freePort(), { ...storage.env, ...env });
      await server.started();
      return server;
    },
  };
}

/**
 * A two-state pool policy `id` for process tests: `owned` (RELEASE to the pool, with `ownedEntry` actions)
 * and the pooled `pool` (CLAIM or ASSIGN back); records start in `initial` and have a `name`.
 */
export function twoStatePolicy(
  id: string,
  initial: 'owned' | 'pool',
  ownedEntry: object[] = [],
): Record<string, unknown> {
  return {
    id,
    version: 1,
    name: { en: id },
    entity: { schema: { type: 'object', properties: { name: { type: 'string' } } } },
    machine: {
      id: id.replace(/-/g, '_'),
      initial,
      states: {
        owned: { ...(ownedEntry.length > 0 ? { entry: ownedEntry } : {}), on: { RELEASE: 'pool' } },
        pool: { meta: { pooled: true }, on: { CLAIM: 'owned', ASSIGN: 'owned' } },
      },
    },
  };
}

/** Sends raw bytes to the server and reads the whole reply (the server closes the connection). */
export function raw(
  base: string,
  request: string,
): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
  });
}
