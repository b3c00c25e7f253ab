// Notifications and finished webhook deliveries do not pile up for ever: the real server's purge-retention
// job deletes notifications older than POOLFLOW_NOTIFICATION_DAYS and delivered deliveries older than
// POOLFLOW_DELIVERY_DAYS, by itself, on the runtime's clock; a delivery still pending is kept however old.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
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

  it('deletes old notifications and delivered deliveries by itself, never a pending one', async () => {
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
    const document = policy(`${hook}/ok`, `${hook}/failing`);
    expect((await api('POST', '/api/policies', { document })).status).toBe(201);
    expect((await api('POST', '/api/policies/kept-pool/publish', {})).status).toBe(200);
    const { repId } = await poolWithRep(server.base, token, 'kept', 'kept-pool');
    const repToken = await server.login('rep', REP_PASSWORD);
    const created = await api('POST', '/api/pools/kept/records', {
      data: { name: 'ACME' },
      ownerId: repId,
    });
    expect(created.status).toBe(201);

    const notifications = async () =>
      (await apiCall(server!.base, repToken, 'GET', '/api/notifications')).body.items as unknown[];
    const deliveries = async (status: string) =>
      (await api('GET', `/api/deliveries?status=${status}`)).body.items as unknown[];
    const advance = async (body: object) =>
      expect((await api('POST', '/api/clock/advance', body)).status).toBe(200);

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
});
