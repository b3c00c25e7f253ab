// The pool list tells each rep, before any click, which records they may claim and why not (cooldown,
// hard record, daily or owned limit), with their limits left; an unchanged list answers 304.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, createUsers, login, template, type TestApp } from './helpers.js';

const DAY = 86_400_000;

describe.each(backends)('claimability in the pool list (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  const list = (user: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: '/api/pools/claims/records?view=pool',
      headers: { authorization: `Bearer ${tokens[user]!}`, ...headers },
    });
  type Item = { id: string; canClaim: unknown };
  const canClaim = async (user: string) => {
    const res = await list(user);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: Item[]; claimsLeftToday: unknown; ownedCapacity: unknown }>();
    return { ...body, of: (id: string) => body.items.find((i) => i.id === id)?.canClaim };
  };
  const create = async (name: string) => {
    const res = await call(t.app, t.adminToken, 'POST', '/api/pools/claims/records', {
      data: { name },
      ownerId: null,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const act = async (user: string, id: string, what: 'claim' | 'release') => {
    const res = await call(
      t.app,
      tokens[user]!,
      'POST',
      `/api/pools/claims/records/${id}/${what}`,
      what === 'release' ? { reason: 'duplicate' } : undefined,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  beforeAll(async () => {
    t = await build(backend);
    let ids: Record<string, string>;
    ({ tokens, ids } = await createUsers(t, ['amy', 'bob', 'cid']));
    const senior = await t.app.auth.createUser({
      username: 'sam',
      password: 'sam-password',
      roles: ['member'],
      attributes: { seniority: 'senior' },
    });
    tokens['sam'] = await login(t.app, 'sam', 'sam-password');
    const crm = template('crm-customer-pool');
    const document = {
      ...crm,
      id: 'two-a-day',
      claim: { ...(crm['claim'] as object), maxPerDay: 2, maxOwned: 3 },
    };
    expect((await call(t.app, t.adminToken, 'POST', '/api/policies', { document })).status).toBe(
      201,
    );
    const published = await call(
      t.app,
      t.adminToken,
      'POST',
      '/api/policies/two-a-day/publish',
      {},
    );
    expect(published.status).toBe(200);
    const pool = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'claims',
      name: { en: 'Claims' },
      policyId: 'two-a-day',
      members: [...Object.values(ids), senior.id].map((userId) => ({ userId })),
    });
    expect(pool.status, JSON.stringify(pool.body)).toBe(201);
  });
  afterAll(() => t.close());

  it('says which pooled records the caller may claim, and why not, with the limits left', async () => {
    const fresh = await create('Fresh Co');
    const cooled = await create('Cooled Co');
    const hard = await create('Hard Co');
    // Two more pool entries make a record hard (isHard: 3 entries): seniors only.
    for (const rep of ['bob', 'cid']) {
      await act(rep, hard, 'claim');
      await act(rep, hard, 'release');
    }
    let amy = await canClaim('amy');
    expect(amy.of(fresh)).toBe(true);
    expect(amy.of(hard)).toEqual({ code: 'POOL_ERR_NOT_ELIGIBLE' });
    expect((await canClaim('sam')).of(hard)).toBe(true);
    expect(amy.claimsLeftToday).toBe(2);
    expect(amy.ownedCapacity).toBe(3);

    await act('amy', cooled, 'claim');
    await act('amy', cooled, 'release');
    const clock = await call(t.app, t.adminToken, 'GET', '/api/clock');
    const releasedAt = Date.parse(clock.body.now as string);
    amy = await canClaim('amy');
    expect(amy.of(cooled)).toEqual({
      code: 'POOL_ERR_COOLDOWN',
      until: new Date(releasedAt + 7 * DAY).toISOString(),
    });
    expect((await canClaim('bob')).of(cooled)).toBe(true);
    expect(amy.claimsLeftToday).toBe(1);
    expect(amy.ownedCapacity).toBe(3);

    await act('amy', fresh, 'claim');
    amy = await canClaim('amy');
    expect(amy.claimsLeftToday).toBe(0);
    expect(amy.ownedCapacity).toBe(2);
    const other = await create('Other Co');
    amy = await canClaim('amy');
    expect(amy.of(other)).toEqual({ code: 'POOL_ERR_DAILY_LIMIT' });
    // Her refused click is answered, not kept as a notification.
    const refused = await call(
      t.app,
      tokens['amy']!,
      'POST',
      `/api/pools/claims/records/${other}/claim`,
    );
    expect(refused.body.error.code).toBe('POOL_ERR_DAILY_LIMIT');
    const inbox = await call(t.app, tokens['amy']!, 'GET', '/api/notifications');
    expect(inbox.body.items.filter((n: { kind: string }) => n.kind === 'refused')).toEqual([]);

    // The next day her claims are back; two more make three owned, the most she may hold.
    expect(
      (await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 1 })).status,
    ).toBe(200);
    amy = await canClaim('amy');
    expect(amy.claimsLeftToday).toBe(2);
    expect(amy.of(other)).toBe(true);
    await act('amy', other, 'claim');
    await act('amy', await create('Third Co'), 'claim');
    const last = await create('Last Co');
    amy = await canClaim('amy');
    expect(amy.ownedCapacity).toBe(0);
    expect(amy.of(last)).toEqual({ code: 'POOL_ERR_CLAIM_LIMIT' });
  });

  it('answers 304 to If-None-Match while the page is unchanged, and the new page once a record is taken', async () => {
    const id = await create('Etag Co');
    const first = await list('sam');
    expect(first.statusCode).toBe(200);
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^W\/"/);
    const again = await list('sam', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // Another caller's page differs (their own claim limits), so it is no match.
    expect((await list('bob', { 'if-none-match': etag })).statusCode).toBe(200);

    await act('cid', id, 'claim');
    const changed = await list('sam', { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.json<{ items: Item[] }>().items.map((i) => i.id)).not.toContain(id);
    expect(changed.headers['etag']).not.toBe(etag);
    const settled = await list('sam', { 'if-none-match': changed.headers['etag'] as string });
    expect(settled.statusCode).toBe(304);
  });
});
