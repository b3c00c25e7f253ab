// The real server with the system clock: one record whose delay throws is listed failed and logged, and
// every other record is released by the server's own background sweep (worker threads on PostgreSQL).
import { afterEach, describe, expect, it } from 'vitest';
import { backends, type Backend } from './helpers.js';
import { waitPolicy } from './fixtures/timer-policies.js';
import { freePort, ServerProcess, serverStorage, within } from './server-process.js';

const GOOD = 20;

describe.each(backends)('failed timers in the real server (%s)', (backend: Backend) => {
  let server: ServerProcess | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await server?.stop();
    await cleanup?.();
    server = undefined;
    cleanup = undefined;
  });

  it('releases the good records on time and lists and logs the bad one', async () => {
    const storage = await serverStorage(backend, 2);
    cleanup = storage.cleanup;
    const env: Record<string, string> = { ...storage.env };
    server = new ServerProcess(await freePort(), env);
    await server.started();
    const token = await server.login();
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server!.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON replies; tests assert on them
      return { status: res.status, body: (await res.json()) as any };
    };

    // Due within a second of creation: the server's background sweep fires them by itself.
    const document = {
      ...waitPolicy(),
      delays: { settle: { ms: 500 }, release: { minutes: { var: 'entity.wait' } } },
    };
    const policy = await api('POST', '/api/policies', { document });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    expect((await api('POST', '/api/policies/wait-pool/publish', {})).status).toBe(200);
    // Owned records start in `fresh` (unowned ones in the pool).
    const me = (await api('GET', '/api/me')).body.id as string;
    const pool = await api('POST', '/api/pools', {
      key: 'wait',
      name: { en: 'Wait' },
      policyId: 'wait-pool',
      members: [{ userId: me }],
    });
    expect(pool.status).toBe(201);
    const good: string[] = [];
    for (let i = 0; i < GOOD; i++) {
      const created = await api('POST', '/api/pools/wait/records', {
        data: { name: `Good ${i}`, wait: 0 },
        ownerId: me,
      });
      expect(created.status).toBe(201);
      good.push(created.body.id as string);
    }
    const bad = (
      await api('POST', '/api/pools/wait/records', {
        data: { name: 'Bad', wait: 'x' },
        ownerId: me,
      })
    ).body.id as string;

    const failed = await within(
      30_000,
      () => api('GET', '/api/timers/failed'),
      (r) => r.body.items.length > 0,
    );
    expect(failed.body.items).toEqual([
      expect.objectContaining({
        recordId: bad,
        poolKey: 'wait',
        attempts: 1,
        error: expect.objectContaining({ code: 'POOL_ERR_INVALID_DELAY' }),
      }),
    ]);
    const states = await within(
      30_000,
      async () =>
        Promise.all(
          good.map(async (id) => (await api('GET', `/api/pools/wait/records/${id}`)).body.state),
        ),
      (s) => s.every((state) => state === 'pool'),
    );
    expect(states).toEqual(good.map(() => 'pool'));
    expect((await api('GET', `/api/pools/wait/records/${bad}`)).body.state).toBe('fresh');
    // The log line names the pool, the record, the timer and the error.
    const line = server.lines.find((l) => l.includes(bad) && l.includes('failed'));
    expect(line).toBeDefined();
    expect(line).toContain('pool wait');
    expect(line).toContain('xstate.after.settle');
    expect(line).toContain('POOL_ERR_INVALID_DELAY');
    const metrics = await (
      await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    expect(metrics).toContain('poolflow_timer_failures_total{pool="wait"} 1');
  }, 90_000);
});
