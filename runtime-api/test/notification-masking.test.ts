// A notification to pool members shows the policy's masked fields as *** (the pool list does); the owner's keeps them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  build,
  call,
  createUsers,
  publishPool,
  template,
  type TestApp,
} from './helpers.js';

/** The CRM template whose pool state tells every member, and whose reminder tells the owner, the phone. */
function noisyPolicy(): Record<string, unknown> {
  const doc = template('crm-customer-pool');
  doc['id'] = 'crm-noisy';
  const machine = doc['machine'] as {
    states: Record<string, { entry?: unknown[]; after?: Record<string, { actions?: unknown[] }> }>;
  };
  machine.states['pool']!.entry = [
    ...(machine.states['pool']!.entry ?? []),
    {
      type: 'notify',
      params: {
        to: 'poolMembers',
        kind: 'pooled',
        message: { en: '{{entity.name}} ({{entity.phone}}) is back: {{event.payload.reason}}' },
      },
    },
  ];
  machine.states['owned']!.after!['remind']!.actions = [
    {
      type: 'notify',
      params: { to: 'owner', kind: 'reminder', message: { en: 'Call {{entity.phone}}' } },
    },
  ];
  return doc;
}

describe.each(backends)('notification masking (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await createUsers(t, ['alice', 'bob']));
    await publishPool(t, noisyPolicy(), 'noisy', [ids['alice']!, ids['bob']!]);
  });
  afterAll(() => t.close());

  it("masks the phone in a pool members' notification and keeps it in the owner's", async () => {
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/noisy/records', {
      data: { name: 'ACME', phone: '13812345678' },
      ownerId: ids['alice'],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const advanced = await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 24 });
    expect(advanced.status).toBe(200);
    const reminder = await call(t.app, tokens['alice']!, 'GET', '/api/notifications');
    expect(reminder.body.items.map((n: { message: { en: string } }) => n.message.en)).toEqual([
      'Call 13812345678',
    ]);

    const released = await call(
      t.app,
      tokens['alice']!,
      'POST',
      `/api/pools/noisy/records/${id}/release`,
      { reason: 'not a fit' },
    );
    expect(released.status).toBe(200);
    const listed = await call(t.app, tokens['bob']!, 'GET', '/api/pools/noisy/records?view=pool');
    expect(listed.body.items[0].data.phone).toBe('***');
    const bob = await call(t.app, tokens['bob']!, 'GET', '/api/notifications');
    expect(bob.body.items.map((n: { message: { en: string } }) => n.message.en)).toEqual([
      'ACME (***) is back: not a fit',
    ]);
    expect(JSON.stringify(bob.body)).not.toContain('13812345678');
  });
});
