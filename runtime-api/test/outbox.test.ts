// Webhooks leave from the outbox after commit, carry the effect key as Idempotency-Key, and are retried.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, login, template, type TestApp } from './helpers.js';

interface Received {
  key: string | undefined;
  body: unknown;
}

function receiver(
  failFirst: number,
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  let failures = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (failures < failFirst) {
        failures++;
        res.statusCode = 503;
        res.end();
        return;
      }
      received.push({
        key: req.headers['idempotency-key'] as string | undefined,
        body: JSON.parse(raw) as unknown,
      });
      res.end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/hook`, received });
    }),
  );
}

describe.each(backends)('outbox (%s)', (backend) => {
  let t: TestApp;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let token: string;

  beforeAll(async () => {
    t = await build(backend);
    hook = await receiver(1);
    const policy = template('crm-customer-pool') as {
      machine: { states: Record<string, Record<string, unknown>> };
    };
    policy.machine.states['won']!['entry'] = [
      {
        type: 'webhook',
        params: { url: hook.url, body: { cat: ['won: ', { var: 'entity.name' }] } },
      },
    ];
    await call(t.app, t.adminToken, 'POST', '/api/policies', { document: policy });
    await call(t.app, t.adminToken, 'POST', '/api/policies/crm-customer-pool/publish', {});
    const rep = await t.app.auth.createUser({ username: 'rep', password: 'rep-password-1' });
    token = await login(t.app, 'rep', 'rep-password-1');
    await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'crm',
      name: { en: 'CRM' },
      policyId: 'crm-customer-pool',
      members: [{ userId: rep.id }],
    });
  });
  afterAll(async () => {
    hook.server.close();
    await t.close();
  });

  it('delivers a webhook after commit, retries a failure, and never twice', async () => {
    const created = await call(t.app, token, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME' },
      ownerId: null,
    });
    await call(t.app, token, 'POST', `/api/pools/crm/records/${created.body.id}/claim`);
    const won = await call(
      t.app,
      token,
      'POST',
      `/api/pools/crm/records/${created.body.id}/events`,
      { type: 'WIN' },
    );
    expect(won.body.state).toBe('won');
    expect(hook.received).toEqual([]); // nothing leaves inside the transaction

    const first = await t.app.outbox.deliverDue();
    expect(first).toEqual({ delivered: 0, failed: 1 }); // the receiver answers 503 once
    expect(await t.app.outbox.deliverDue()).toEqual({ delivered: 0, failed: 0 }); // backing off

    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { minutes: 1 });
    expect(await t.app.outbox.deliverDue()).toEqual({ delivered: 1, failed: 0 });
    expect(hook.received).toEqual([
      {
        key: expect.stringMatching(new RegExp(`^${created.body.id}:\\d+:\\d+$`)),
        body: 'won: ACME',
      },
    ]);

    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 1 });
    expect(await t.app.outbox.deliverDue()).toEqual({ delivered: 0, failed: 0 });
    expect(hook.received).toHaveLength(1);
  });
});
