// A rollout that shortens the protection period, so that a record's release falls due at once: its
// reminder ("goes to the public pool in 7 days") and the manager's escalation, overdue with it, are not
// sent as the record is released in the same sweep. Through the upgrade route and the clock's sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceClock,
  backends,
  build,
  call,
  crmPool,
  publishVersion,
  template,
  type TestApp,
} from './helpers.js';

describe.each(backends)('rollout with overdue notices (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const admin = () => t.adminToken;
  const advance = (days: number) => advanceClock(t, days);
  const inbox = async (user: string) =>
    (await call(t.app, tokens[user]!, 'GET', '/api/notifications')).body.items as {
      kind: string;
    }[];

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, boss: { roles: ['manager'] } }));
  });
  afterAll(() => t.close());

  it('releases the record at once and tells neither the owner nor the manager it is days away', async () => {
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Shortened Co' },
      ownerId: ids['alice'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    await advance(20); // day 20 of 30: no reminder yet (day 23), no escalation (day 27)
    expect(await inbox('alice')).toEqual([]);

    // v2: 10 days. Release (day 10), reminder (day 3) and escalation (day 7) are all overdue.
    const v2 = template('crm-customer-pool') as { delays: Record<string, unknown> };
    v2.delays['release'] = { days: 10 };
    expect(await publishVersion(t, v2, 'ten days', true)).toBe(2);
    const preview = await call(t.app, admin(), 'POST', '/api/pools/crm/upgrade', {
      toVersion: 2,
      dryRun: true,
    });
    expect(preview.body).toMatchObject({ dueAtOnce: 1, dueAtOnceByDelay: { release: 1 } });
    expect(preview.body.dueAtOnceByDelay).not.toHaveProperty('remind');
    const rollout = await call(t.app, admin(), 'POST', '/api/pools/crm/upgrade', { toVersion: 2 });
    expect(rollout.status, JSON.stringify(rollout.body)).toBe(202);
    await advance(0.01);

    const record = await call(t.app, admin(), 'GET', `/api/pools/crm/records/${id}`);
    expect(record.body).toMatchObject({ policyVersion: 2, state: 'pool' });
    // It was: "Shortened Co goes to the public pool in 7 days" to alice, "in 3 days" to the manager.
    expect((await inbox('alice')).map((n) => n.kind)).not.toContain('reminder');
    expect((await inbox('boss')).map((n) => n.kind)).not.toContain('escalation');
  });
});
