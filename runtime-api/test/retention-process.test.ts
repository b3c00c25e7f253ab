// Notifications and finished webhook deliveries do not pile up for ever: the real server's purge-retention
// job deletes notifications older than POOLFLOW_NOTIFICATION_DAYS and delivered deliveries older than
// POOLFLOW_DELIVERY_DAYS, by itself, on the runtime's clock; a delivery still pending is kept however old,
// and a dead one (out of attempts) is kept as long as a delivered one, counted from when it died.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../src/services/outbox.js';
import { backends, type Backend } from './helpers.js';
import {
  apiCall,
  freePort,
  poolWithRep,
  REP_PASSWORD,
  ServerProcess,
  serverStorage,
  twoStatePolicy,
  within,
} from './server-process.js';

/** A record created owned tells its owner and calls two webhooks: one answers 200, one 500. */
const policy = (ok: string, failing: string) =>
  twoStatePolicy('kept-pool', 'owned', [
    {
      type: 'notify',
      params: { to: 'owner', kind: 'reminder', message: { en: '{{entity.name}} is yours' } },
    },
    { type: 'webhook', params: { url: ok } },
    { type: 'webhook', params: { url: failing } },
  ]);

describe.each(backends)('retention in the real server (%s)', (backend: Backend) => {
  let server: ServerProcess | undefined;
  let receiver: Server | undefined;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  afterEach(async () => {
    await server?.stop();
    receiver?.close();
    await cleanup();
    server = undefined;
  });

  /** A receiver answering 200 on /ok and 500 elsewhere, and the real server with the retention set. */
  async function start(document: (ok: string, failing: string) => object) {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = req.url === '/ok' ? 200 : 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    const storage = await serverStorage(backend, 0);
    cleanup = storage.cleanup;
    server = new ServerProcess(await freePort(), {
      ...storage.env,
      POOLFLOW_CLOCK: 'manual',
      POOLFLOW_WEBHOOK_ALLOW_PRIVATE: '1',
      POOLFLOW_PURGE_INTERVAL_MS: '200',
      POOLFLOW_NOTIFICATION_DAYS: '3',
      POOLFLOW_DELIVERY_DAYS: '1',
    });
    await server.started();
    const token = await server.login();
    const api = (method: string, path: string, body?: unknown) =>
      apiCall(server!.base, token, method, path, body);
    const doc = document(`${hook}/ok`, `${hook}/failing`);
    expect((await api('POST', '/api/policies', { document: doc })).status).toBe(201);
    expect((await api('POST', '/api/policies/kept-pool/publish', {})).status).toBe(200);
    const { repId } = await poolWithRep(server.base, token, 'kept', 'kept-pool');
    const created = await api('POST', '/api/pools/kept/records', {
      data: { name: 'ACME' },
      ownerId: repId,
    });
    expect(created.status).toBe(201);
    const deliveries = async (status: string) =>
      (await api('GET', `/api/deliveries?status=${status}`)).body.items as {
        attempts: number;
      }[];
    const advance = async (body: object) =>
      expect((await api('POST', '/api/clock/advance', body)).status).toBe(200);
    // Resolves once a purge-retention run has begun and ended after the call: runs of one job follow
    // one another and are counted as they begin, so the third run counted after the call has one whole
    // run before it that began after the call.
    const purgedSince = async () => {
      const runs = async () => {
        const res = await fetch(`${server!.base}/metrics`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const line = (await res.text())
          .split('\n')
          .find((l) => l.startsWith('poolflow_job_runs_total{job="purge-retention"} '));
        return Number(line?.split(' ')[1] ?? 0);
      };
      const from = await runs();
      expect(await within(10_000, runs, (n) => n >= from + 3)).toBeGreaterThanOrEqual(from + 3);
    };
    return { api, deliveries, advance, purgedSince };
  }

  it('deletes old notifications and delivered deliveries by itself, never a pending one', async () => {
    const { deliveries, advance } = await start(policy);
    const repToken = await server!.login('rep', REP_PASSWORD);
    const notifications = async () =>
      (await apiCall(server!.base, repToken, 'GET', '/api/notifications')).body.items as unknown[];

    // The advance runs the outbox: one delivered, one failed (pending its retry).
    await advance({ minutes: 1 });
    expect(await notifications()).toHaveLength(1);
    expect(await deliveries('delivered')).toHaveLength(1);
    expect(await deliveries('pending')).toHaveLength(1);

    // Two days on: the delivered one is past its day and goes; the notification (3 days) stays.
    await advance({ days: 2 });
    expect(
      await within(
        10_000,
        () => deliveries('delivered'),
        (d) => d.length === 0,
      ),
    ).toEqual([]);
    expect(await deliveries('pending')).toHaveLength(1);
    expect(await notifications()).toHaveLength(1);

    // Four days on: the notification goes too; the pending delivery is still there to be retried.
    await advance({ days: 2 });
    expect(await within(10_000, notifications, (n) => n.length === 0)).toEqual([]);
    expect(await deliveries('pending')).toHaveLength(1);
  });

  it('keeps a dead delivery as long as a delivered one, counted from when it died', async () => {
    // Only the failing webhook: each advance runs the outbox once, past the delivery's backoff.
    const { deliveries, advance, purgedSince } = await start((_ok, failing) =>
      twoStatePolicy('kept-pool', 'owned', [{ type: 'webhook', params: { url: failing } }]),
    );
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      await advance({ hours: 2 });
      expect((await deliveries('pending')).map((d) => d.attempts)).toEqual([attempt]);
    }
    await advance({ hours: 2 });
    expect(await deliveries('pending')).toEqual([]);
    expect((await deliveries('dead')).map((d) => d.attempts)).toEqual([MAX_ATTEMPTS]);

    // Created 16 hours before it died: half a day after its death it is still listed for an admin
    // (a purge counting from its creation would have deleted it by now).
    await advance({ hours: 12 });
    await purgedSince();
    expect(await deliveries('dead')).toHaveLength(1);
    // A day after its death it goes.
    await advance({ hours: 13 });
    expect(
      await within(
        10_000,
        () => deliveries('dead'),
        (d) => d.length === 0,
      ),
    ).toEqual([]);
  });
});
