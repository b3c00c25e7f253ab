// States exempt from the claim limit (meta.exemptFromClaimLimit): a resolved ticket no longer counts
// against its agent's open tickets, so resolving one makes room for the next; a reopened one counts again.
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

describe.each(backends)('states exempt from the claim limit (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await createUsers(t, ['lead', 'agent']));
    // The service template with a cap of 2 open tickets instead of 20.
    const policy = structuredClone(template('service-ticket-pool'));
    policy['id'] = 'small-desk';
    policy['claim'] = { maxOwned: 2 };
    await publishPool(t, policy, 'desk', [ids['lead']!, ids['agent']!]);
    await call(t.app, t.adminToken, 'POST', '/api/pools/desk/members', {
      userId: ids['lead'],
      role: 'admin',
    });
  });
  afterAll(() => t.close());

  const open = async (subject: string) => {
    const res = await call(t.app, tokens['lead']!, 'POST', '/api/pools/desk/records', {
      data: { subject },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const take = (id: string) =>
    call(t.app, tokens['agent']!, 'POST', `/api/pools/desk/records/${id}/claim`);
  const send = async (id: string, type: string) => {
    const res = await call(
      t.app,
      tokens['agent']!,
      'POST',
      `/api/pools/desk/records/${id}/events`,
      {
        type,
        payload: {},
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { state: string; ownerId: string | null };
  };
  const roomLeft = async () => {
    const res = await call(t.app, tokens['agent']!, 'GET', '/api/pools/desk/records?view=pool');
    expect(res.status).toBe(200);
    return res.body.ownedCapacity as number;
  };
  const load = async () => {
    const res = await call(t.app, tokens['lead']!, 'GET', '/api/pools/desk/stats/reps');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.reps as { userId: string; load: number }[]).find(
      (r) => r.userId === ids['agent'],
    )!.load;
  };

  it('a resolved ticket makes room for the next; reopened, it counts again', async () => {
    const [a, b, c, d] = [await open('A'), await open('B'), await open('C'), await open('D')];
    expect((await take(a)).status).toBe(200);
    expect((await take(b)).status).toBe(200);
    expect(await roomLeft()).toBe(0);
    const refused = await take(c);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'POOL_ERR_CLAIM_LIMIT',
      details: { owned: 2, limit: 2 },
    });

    // Resolved, the ticket stays the agent's (the customer may reopen it) but no longer counts.
    expect(await send(a, 'RESOLVE')).toMatchObject({ state: 'resolved', ownerId: ids['agent'] });
    expect(await roomLeft()).toBe(1);
    expect(await load()).toBe(1);
    expect((await take(c)).status).toBe(200);
    expect(await roomLeft()).toBe(0);
    expect(await load()).toBe(2);

    // Reopened, it is the agent's open ticket again: three against a cap of two, so nothing more.
    expect(await send(a, 'REOPEN')).toMatchObject({ state: 'assigned', ownerId: ids['agent'] });
    expect(await load()).toBe(3);
    expect(await roomLeft()).toBe(0);
    const over = await take(d);
    expect(over.body.error).toMatchObject({
      code: 'POOL_ERR_CLAIM_LIMIT',
      details: { owned: 3, limit: 2 },
    });
    // Nor can the lead create a ticket with the agent as its owner.
    const given = await call(t.app, tokens['lead']!, 'POST', '/api/pools/desk/records', {
      data: { subject: 'E' },
      ownerId: ids['agent'],
    });
    expect(given.body.error?.code).toBe('POOL_ERR_CLAIM_LIMIT');

    // Two resolved: one counted ticket, room for one.
    await send(a, 'RESOLVE');
    await send(b, 'RESOLVE');
    expect(await roomLeft()).toBe(1);
    expect((await take(d)).status).toBe(200);
  });

  it('the column follows the state in the database, as the writer left it', async () => {
    const rows = await t.app
      .db('records')
      .where({ pool_key: 'desk' })
      .select('state', 'limit_free');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect([row.state, row.limit_free]).toEqual([row.state, row.state === 'resolved']);
  });
});
