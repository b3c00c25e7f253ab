// Webhooks for real: group-robot bodies, HMAC signatures with named secrets, backoff and the dead letter,
// the deliveries routes (admins only), and notifications addressed to groups of the pool.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, login, template, type TestApp } from './helpers.js';
import { verifySignature } from './webhook-signature.js';

interface Hit {
  path: string;
  body: unknown;
  raw: string;
  key: string | undefined;
  signature: string | undefined;
}

/** A receiver on 127.0.0.1 answering `status()` to every request and keeping what it got. */
async function receiver(status: () => number = () => 200) {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      hits.push({
        path: req.url ?? '',
        raw,
        body: JSON.parse(raw) as unknown,
        key: req.headers['idempotency-key'] as string | undefined,
        signature: req.headers['x-poolflow-signature'] as string | undefined,
      });
      res.statusCode = status();
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, hits, base: `http://127.0.0.1:${port}` };
}

/** A CRM pool whose won state runs `actions`; returns a function that wins a fresh record. */
async function wonPool(
  t: TestApp,
  key: string,
  actions: unknown[],
  members: { userId: string; role?: string }[] = [],
  pool: Record<string, unknown> = {},
): Promise<(name?: string) => Promise<string>> {
  const policy = template('crm-customer-pool') as {
    id: string;
    machine: { states: Record<string, Record<string, unknown>> };
  };
  policy.id = `hooks-${key}`;
  policy.machine.states['won']!['entry'] = actions;
  expect(
    (await call(t.app, t.adminToken, 'POST', '/api/policies', { document: policy })).status,
  ).toBe(201);
  await call(t.app, t.adminToken, 'POST', `/api/policies/${policy.id}/publish`, {});
  const rep = await t.app.auth.createUser({ username: `rep-${key}`, password: 'rep-password-1' });
  await call(t.app, t.adminToken, 'POST', '/api/pools', {
    key,
    name: { en: key },
    policyId: policy.id,
    members: [{ userId: rep.id }, ...members],
    ...pool,
  });
  return async (name = 'ACME') => {
    const created = await call(t.app, t.adminToken, 'POST', `/api/pools/${key}/records`, {
      data: { name },
      ownerId: rep.id,
    });
    const id = created.body.id as string;
    const won = await call(t.app, t.adminToken, 'POST', `/api/pools/${key}/records/${id}/events`, {
      type: 'WIN',
    });
    expect(won.body.state).toBe('won');
    return id;
  };
}

interface DeliveryReply {
  id: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  target: string | null;
  preset: string | null;
}

const deliveries = async (t: TestApp, query = '') =>
  (await call(t.app, t.adminToken, 'GET', `/api/deliveries${query}`)).body.items as DeliveryReply[];

describe.each(backends)('webhooks (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await build(backend, {
      webhookAllowPrivate: true,
      webhookSecrets: { fallback: 'default-secret', named: { CRM: 'crm-secret' } },
    });
  });
  afterAll(() => t.close());

  it('formats the message for WeCom, DingTalk, Feishu and Slack group robots', async () => {
    const hook = await receiver();
    try {
      const message = { en: 'Won: {{entity.name}}', zh: '赢单：{{entity.name}}' };
      const win = await wonPool(
        t,
        'robots',
        (['wecom', 'dingtalk', 'feishu', 'slack'] as const).map((preset) => ({
          type: 'webhook',
          params: {
            url: `${hook.base}/${preset}`,
            preset,
            message,
            ...(preset === 'slack' ? {} : { language: 'zh' }),
          },
        })),
      );
      await win('ACME Trading');
      await t.app.outbox.deliverDue();
      const byPath = Object.fromEntries(hook.hits.map((h) => [h.path, h.body]));
      expect(byPath).toEqual({
        '/wecom': { msgtype: 'text', text: { content: '赢单：ACME Trading' } },
        '/dingtalk': { msgtype: 'text', text: { content: '赢单：ACME Trading' } },
        '/feishu': { msg_type: 'text', content: { text: '赢单：ACME Trading' } },
        '/slack': { text: 'Won: ACME Trading' },
      });
      const listed = await deliveries(t, '?status=delivered');
      expect(listed.map((d) => d.preset).sort()).toEqual(['dingtalk', 'feishu', 'slack', 'wecom']);
      // The URL is not shown (robot URLs carry their access key), only its host.
      expect(listed[0]!.target).toBe(new URL(hook.base).host);
    } finally {
      hook.server.close();
    }
  });

  it('signs each body with its named secret, or the default one; a missing secret is an error', async () => {
    const hook = await receiver();
    try {
      const win = await wonPool(t, 'signed', [
        { type: 'webhook', params: { url: `${hook.base}/named`, secretRef: 'crm' } },
        { type: 'webhook', params: { url: `${hook.base}/default` } },
        { type: 'webhook', params: { url: `${hook.base}/missing`, secretRef: 'nowhere' } },
      ]);
      const id = await win();
      await t.app.outbox.deliverDue();
      const named = hook.hits.find((h) => h.path === '/named')!;
      const fallback = hook.hits.find((h) => h.path === '/default')!;
      expect(verifySignature(named.signature, named.raw, 'crm-secret')).toBe(true);
      expect(verifySignature(named.signature, named.raw, 'default-secret')).toBe(false);
      expect(verifySignature(fallback.signature, fallback.raw, 'default-secret')).toBe(true);
      expect(named.key).toMatch(new RegExp(`^${id}:\\d+:\\d+$`));
      // Tampering with the body breaks the signature.
      expect(
        verifySignature(named.signature, named.raw.replace('ACME', 'ACMF'), 'crm-secret'),
      ).toBe(false);
      expect(hook.hits.some((h) => h.path === '/missing')).toBe(false);
      const pending = await deliveries(t, '?status=pending');
      expect(pending.map((d) => d.lastError)).toContain(
        'signing secret nowhere is not set (POOLFLOW_WEBHOOK_SECRET_NOWHERE)',
      );
    } finally {
      hook.server.close();
    }
  });

  it('backs off 10 s, 30 s, 2 min, 10 min, 1 h…, is dead after 8 attempts, and an admin retries it', async () => {
    let status = 500;
    const hook = await receiver(() => status);
    try {
      const win = await wonPool(t, 'failing', [
        { type: 'webhook', params: { url: `${hook.base}/down` } },
      ]);
      const host = new URL(hook.base).host;
      await win();
      await t.app.outbox.deliverDue();
      const waits: number[] = [];
      for (let attempt = 1; attempt < 8; attempt++) {
        expect(hook.hits).toHaveLength(attempt);
        const [d] = (await deliveries(t, '?status=pending')).filter((x) => x.target === host);
        expect(d).toMatchObject({ attempts: attempt, lastError: expect.stringContaining('500') });
        waits.push((Date.parse(d!.nextAttemptAt!) - Date.parse(d!.lastAttemptAt!)) / 1000);
        // Nothing leaves before the wait is over.
        await t.app.outbox.deliverDue();
        expect(hook.hits).toHaveLength(attempt);
        await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { hours: 1 });
        await t.app.outbox.deliverDue();
      }
      expect(waits).toEqual([10, 30, 120, 600, 3600, 3600, 3600]);
      expect(hook.hits).toHaveLength(8);
      const [dead] = (await deliveries(t, '?status=dead')).filter((x) => x.target === host);
      expect(dead).toMatchObject({ status: 'dead', attempts: 8, nextAttemptAt: null });
      await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 2 });
      await t.app.outbox.deliverDue();
      expect(hook.hits).toHaveLength(8); // dead: no more attempts by itself

      // Only admins see and retry deliveries.
      const member = await t.app.auth.createUser({
        username: 'm-hooks',
        password: 'member-pass-1',
      });
      const token = await login(t.app, 'm-hooks', 'member-pass-1');
      expect(member.id).toBeTruthy();
      expect((await call(t.app, token, 'GET', '/api/deliveries')).status).toBe(403);
      expect((await call(t.app, token, 'POST', `/api/deliveries/${dead!.id}/retry`)).status).toBe(
        403,
      );
      expect(hook.hits).toHaveLength(8);

      status = 200;
      const retried = await call(t.app, t.adminToken, 'POST', `/api/deliveries/${dead!.id}/retry`);
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ status: 'pending', attempts: 0 });
      await t.app.outbox.deliverDue();
      expect(hook.hits).toHaveLength(9);
      expect((await deliveries(t, '?status=delivered')).map((d) => d.id)).toContain(dead!.id);
      expect(
        (await call(t.app, t.adminToken, 'POST', '/api/deliveries/999999999/retry')).status,
      ).toBe(404);
      const bad = await call(t.app, t.adminToken, 'GET', '/api/deliveries?status=lost');
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe('/querystring/status');
    } finally {
      hook.server.close();
    }
  });
});

describe.each(backends)('notifications to groups of the pool (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(() => t.close());

  it("reaches the pool's managers, its members, its members with an attribute, or its department's admins", async () => {
    const user = (username: string, extra: Record<string, unknown> = {}) =>
      t.app.auth.createUser({ username, password: `${username}-password`, ...extra });
    const lead = await user('lead', { roles: ['manager'] });
    const poolAdmin = await user('pooladmin');
    const senior = await user('senior', { attributes: { seniority: 'senior' } });
    const junior = await user('junior', { attributes: { seniority: 'junior' } });
    const outsider = await user('outsider', {
      roles: ['manager'],
      attributes: { seniority: 'senior' },
    });
    // The sales department's admin is no member of the pool; another department's admin hears nothing.
    for (const key of ['sales', 'support'])
      await call(t.app, t.adminToken, 'POST', '/api/departments', { key, name: { en: key } });
    for (const [name, departmentId] of [
      ['salesadmin', 'sales'],
      ['supportadmin', 'support'],
    ] as const) {
      const created = await user(name);
      const patched = await call(t.app, t.adminToken, 'PATCH', `/api/users/${created.id}`, {
        roles: ['departmentAdmin'],
        departmentId,
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    }
    const notify = (to: unknown, kind: string) => ({
      type: 'notify',
      params: { to, kind, message: { en: `${kind}: {{entity.name}}` } },
    });
    const win = await wonPool(
      t,
      'groups',
      [
        notify('poolManagers', 'managers'),
        notify({ attribute: 'seniority', equals: 'senior' }, 'seniors'),
        notify('poolMembers', 'everyone'),
        notify('departmentAdmins', 'department'),
      ],
      [
        { userId: lead.id },
        { userId: poolAdmin.id, role: 'admin' },
        { userId: senior.id },
        { userId: junior.id },
      ],
      { departmentId: 'sales' },
    );
    await win('Globex');
    const kinds = async (name: string) => {
      const token = await login(t.app, name, `${name}-password`);
      const items = (await call(t.app, token, 'GET', '/api/notifications')).body.items as {
        kind: string;
        message: { en: string };
      }[];
      return items.map((n) => n.kind).sort();
    };
    expect(await kinds('lead')).toEqual(['everyone', 'managers']);
    expect(await kinds('pooladmin')).toEqual(['everyone', 'managers']);
    expect(await kinds('senior')).toEqual(['everyone', 'seniors']);
    expect(await kinds('junior')).toEqual(['everyone']);
    expect(await kinds('outsider')).toEqual([]); // not a member of the pool
    expect(await kinds('salesadmin')).toEqual(['department']);
    expect(await kinds('supportadmin')).toEqual([]);
    expect(outsider.id).toBeTruthy();
  });
});
