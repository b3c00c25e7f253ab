// Webhooks leave from the outbox after commit, carry the effect key as Idempotency-Key, and are retried;
// private targets are refused unless allowed, and redirects are not followed.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactDeliveryErrors } from '../src/db/operations-migrations.js';
import { isPrivateAddress } from '../src/services/webhook.js';
import { backends, build, call, login, template, type TestApp } from './helpers.js';

interface Received {
  key: string | undefined;
  body: unknown;
}

function receiver(
  failFirst: number,
  redirectTo?: string,
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  let failures = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (redirectTo) {
        res.writeHead(302, { location: redirectTo });
        res.end();
        return;
      }
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
    // The receiver listens on 127.0.0.1: allowed here as in local demos (POOLFLOW_WEBHOOK_ALLOW_PRIVATE=1).
    t = await build(backend, { webhookAllowPrivate: true });
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

    // The clock's advance may deliver it itself (the outbox job runs with it): watch the receiver.
    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { minutes: 1 });
    await t.app.outbox.deliverDue();
    expect(hook.received).toEqual([
      {
        key: expect.stringMatching(new RegExp(`^${created.body.id}:\\d+:\\d+$`)),
        body: 'won: ACME',
      },
    ]);

    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 1 });
    await t.app.outbox.deliverDue();
    expect(hook.received).toHaveLength(1);
  });
});

/** A pool whose won state posts to `url`; returns a function that wins a fresh record. */
async function wonHookPool(t: TestApp, url: string, key = 'crm'): Promise<() => Promise<string>> {
  const policy = template('crm-customer-pool') as {
    id: string;
    machine: { states: Record<string, Record<string, unknown>> };
  };
  policy.id = `hook-${key}`;
  policy.machine.states['won']!['entry'] = [{ type: 'webhook', params: { url } }];
  await call(t.app, t.adminToken, 'POST', '/api/policies', { document: policy });
  await call(t.app, t.adminToken, 'POST', `/api/policies/${policy.id}/publish`, {});
  const rep = await t.app.auth.createUser({ username: `rep-${key}`, password: 'rep-password-1' });
  const token = await login(t.app, `rep-${key}`, 'rep-password-1');
  await call(t.app, t.adminToken, 'POST', '/api/pools', {
    key,
    name: { en: key },
    policyId: policy.id,
    members: [{ userId: rep.id }],
  });
  return async () => {
    const created = await call(t.app, token, 'POST', `/api/pools/${key}/records`, {
      data: { name: 'ACME' },
      ownerId: rep.id,
    });
    const id = created.body.id as string;
    expect(
      (await call(t.app, token, 'POST', `/api/pools/${key}/records/${id}/events`, { type: 'WIN' }))
        .body.state,
    ).toBe('won');
    return id;
  };
}

const outboxRow = async (t: TestApp, recordId: string) =>
  (await t.app.db('outbox').where({ record_id: recordId }).first()) as {
    attempts: number;
    done_at: Date | null;
    dead_at: Date | null;
    last_error: string | null;
  };

describe.each(backends)('webhook targets (%s)', (backend) => {
  it('refuses loopback targets for good unless POOLFLOW_WEBHOOK_ALLOW_PRIVATE is set', async () => {
    const t = await build(backend);
    const hook = await receiver(0);
    try {
      const win = await wonHookPool(t, hook.url);
      const id = await win();
      expect(await t.app.outbox.deliverDue()).toEqual({ delivered: 0, failed: 1 });
      expect(hook.received).toEqual([]);
      const row = await outboxRow(t, id);
      expect(row.done_at).toBeNull();
      expect(row.last_error).toContain(
        'resolves to 127.0.0.1, a loopback, private or link-local address',
      );
      expect(row.last_error).toContain('POOLFLOW_WEBHOOK_ALLOW_PRIVATE=1');
      // Failed for good: no retry later either.
      await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 1 });
      await t.app.outbox.deliverDue();
      expect(hook.received).toEqual([]);
      expect((await outboxRow(t, id)).dead_at).not.toBeNull();
    } finally {
      hook.server.close();
      await t.close();
    }
  });

  it('refuses a name that resolves to loopback, IPv6 loopback, IPv4-mapped loopback and 0.0.0.0', async () => {
    const t = await build(backend);
    const hook = await receiver(0);
    const port = new URL(hook.url).port;
    try {
      const hosts = ['localhost', '[::1]', '[::ffff:127.0.0.1]', '0.0.0.0'];
      const ids: string[] = [];
      for (const [i, host] of hosts.entries())
        ids.push(await (await wonHookPool(t, `http://${host}:${port}/hook`, `p${i}`))());
      expect(await t.app.outbox.deliverDue()).toEqual({ delivered: 0, failed: hosts.length });
      for (const [i, id] of ids.entries())
        expect((await outboxRow(t, id)).last_error, hosts[i]).toMatch(
          /loopback, private or link-local/,
        );
      expect(hook.received).toEqual([]);
    } finally {
      hook.server.close();
      await t.close();
    }
  });

  it('does not follow a redirect: a 302 is a failed delivery and the other URL gets nothing', async () => {
    const t = await build(backend, { webhookAllowPrivate: true });
    const target = await receiver(0);
    const redirecting = await receiver(0, target.url);
    try {
      const win = await wonHookPool(t, `${redirecting.url}?access_token=ROBOT-KEY-123`);
      const id = await win();
      expect(await t.app.outbox.deliverDue()).toEqual({ delivered: 0, failed: 1 });
      const error = (await outboxRow(t, id)).last_error as string;
      expect(error).toContain('answered 302; redirects are not followed');
      // The host only: a group robot's URL carries its access key in the path or query.
      expect(error).toContain(new URL(redirecting.url).host);
      expect(error).not.toMatch(/ROBOT-KEY-123|\/hook/);
      // Errors stored before this held the whole URL: migration 019 keeps only the host.
      const old: [string, string][] = [
        [
          'webhook http://127.0.0.1:4799/robot/send?access_token=ROBOT-KEY-123 answered 500',
          'webhook 127.0.0.1:4799 answered 500',
        ],
        [
          'webhook https://bot:pw@hooks.example.com/services/T0/B0/KEY answered 302; redirects are not followed',
          'webhook hooks.example.com answered 302; redirects are not followed',
        ],
        [
          'webhook URL ftp://files.example.com/k is not http or https',
          'webhook URL files.example.com is not http or https',
        ],
        ['connect ECONNREFUSED 127.0.0.1:9', 'connect ECONNREFUSED 127.0.0.1:9'],
      ];
      for (const [before, after] of old) {
        await t.app.db('outbox').where({ record_id: id }).update({ last_error: before });
        await redactDeliveryErrors.up(t.app.db);
        expect((await outboxRow(t, id)).last_error).toBe(after);
      }
      expect(target.received).toEqual([]);
    } finally {
      target.server.close();
      redirecting.server.close();
      await t.close();
    }
  });
});

describe('private address ranges', () => {
  it('classifies loopback, private, link-local, site-local, reserved, mapped, translated, NAT64, 6to4 and Teredo forms as private, public ones not', () => {
    const cases: [string, boolean][] = [
      ['127.0.0.1', true],
      ['127.255.0.9', true],
      ['10.1.2.3', true],
      ['172.16.0.1', true],
      ['172.31.255.255', true],
      ['172.32.0.1', false],
      ['192.168.1.1', true],
      ['169.254.169.254', true],
      ['100.64.0.1', true],
      ['0.0.0.0', true],
      ['8.8.8.8', false],
      ['::1', true],
      ['::', true],
      ['fe80::1', true],
      ['febf::1', true],
      ['fc00::1', true],
      ['fd12:3456::1', true],
      ['::ffff:127.0.0.1', true],
      ['::ffff:7f00:1', true],
      ['::ffff:10.0.0.1', true],
      ['::ffff:8.8.8.8', false],
      ['64:ff9b::7f00:1', true],
      // 6to4 carries an IPv4 address in its second and third words; site-local is still routed by some.
      ['2002:7f00:1::', true],
      ['2002:a9fe:a9fe::1', true],
      ['2002:808:808::1', false],
      ['fec0::1', true],
      ['::127.0.0.1', true],
      ['2606:4700::1111', false],
      // IPv4-translated (::ffff:0:0/96), local-use NAT64, and a well-known NAT64 carrying 0.0.0.0.
      ['::ffff:0:7f00:1', true],
      ['::ffff:0:808:808', false],
      ['64:ff9b:1::a00:1', true],
      ['64:ff9b:1::808:808', false],
      ['64:ff9b:1:ab00::1', true],
      ['64:ff9b::', true],
      ['64:ff9b::c000:201', true],
      ['64:ff9b::808:808', false],
      // Teredo is refused whatever it carries; documentation, discard and TEST-NET ranges are reserved.
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true],
      ['2001::ffff:ffff', true],
      ['2001:db8::1', true],
      ['100::1', true],
      ['100::ffff:ffff:ffff:ffff', true],
      ['100:0:0:1::1', false],
      ['192.0.2.1', true],
      ['198.51.100.7', true],
      ['203.0.113.255', true],
      ['203.0.114.1', false],
      ['::ffff:203.0.113.9', true],
      ['2001:4860:4860::8888', false],
      ['not an address', true],
    ];
    for (const [address, expected] of cases)
      expect(isPrivateAddress(address), address).toBe(expected);
  });
});
