// Editing a customer's fields (PATCH /api/pools/:pool/records/:id): the owner or a manager corrects a
// phone or raises the urgency; the score follows, the lifecycle does not (an edit keeps no customer
// out of the pool), history keeps the values before and after, masked for those who may not see them;
// a timer whose delay reads a changed field moves (a key account is kept longer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, template, type TestApp } from './helpers.js';

interface Step {
  event: string;
  actorId: string | null;
  payload: {
    before?: Record<string, unknown>;
    after?: Record<string, unknown>;
    timers?: Record<string, { before: string; after: string }>;
  } | null;
}

interface Timer {
  delay: string;
  dueAt: string;
}

const DAY = 86_400_000;

describe.each(backends)('editing a record (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, bob: {}, mia: { roles: ['manager'] } }));
  });
  afterAll(() => t.close());

  const as = (who: string) => (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    call(t.app, tokens[who]!, method, url, body);
  // The CRM's phones are unique: each customer is created with its own.
  const alicesCustomer = async (name: string, phone = '13800000000') => {
    const created = await as('alice')('POST', '/api/pools/crm/records', {
      data: { name, industry: 'trade', phone, urgency: 1 },
      ownerId: ids['alice'],
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; score: number; seq: number; timers: unknown[] };
  };
  const history = async (who: string, id: string): Promise<Step[]> =>
    (await as(who)('GET', `/api/pools/crm/records/${id}/history`)).body.items as Step[];

  it('lets the owner correct the fields: the score follows, the state and timers do not', async () => {
    const record = await alicesCustomer('ACME Trading');
    const edited = await as('alice')('PATCH', `/api/pools/crm/records/${record.id}`, {
      data: { phone: '13911112222', urgency: 5, level: 'A' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      state: 'owned',
      ownerId: ids['alice'],
      seq: record.seq + 1,
      data: {
        name: 'ACME Trading',
        industry: 'trade',
        phone: '13911112222',
        urgency: 5,
        level: 'A',
      },
    });
    expect(edited.body.score).toBeGreaterThan(record.score);
    expect(edited.body.timers).toEqual(record.timers);
    const steps = await history('alice', record.id);
    expect(steps.at(-1)).toEqual(
      expect.objectContaining({
        event: 'EDIT',
        actorId: ids['alice'],
        payload: {
          before: { phone: '13800000000', urgency: 1, level: null },
          after: { phone: '13911112222', urgency: 5, level: 'A' },
        },
      }),
    );
    // The list sorts by the new score and finds the record by what it says now.
    const found = await as('alice')('GET', '/api/pools/crm/records?view=mine&q=13911112222');
    expect(found.body.items.map((r: { id: string }) => r.id)).toEqual([record.id]);
    // null removes a field that is not required.
    const cleared = await as('alice')('PATCH', `/api/pools/crm/records/${record.id}`, {
      data: { level: null },
    });
    expect(cleared.body.data).not.toHaveProperty('level');
  });

  it('refuses anyone but the owner or a manager, and bad values by field, writing nothing', async () => {
    const record = await alicesCustomer('Globex');
    const before = await history('alice', record.id);
    const url = `/api/pools/crm/records/${record.id}`;
    const bob = await as('bob')('PATCH', url, { data: { phone: '0' } });
    expect(bob.status).toBe(403);
    expect(bob.body.error.code).toBe('POOL_ERR_FORBIDDEN');

    const bad = await as('alice')('PATCH', url, {
      data: { industry: 'mining', colour: 'red', name: null },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      '/body/data/colour',
      '/body/data/industry',
      '/body/data/name',
    ]);
    const empty = await as('alice')('PATCH', url, { data: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].path).toBe('/body/data');

    // A change to nothing is answered, and writes nothing either.
    const same = await as('alice')('PATCH', url, {
      data: { name: 'Globex', phone: '13800000000' },
    });
    expect(same.status).toBe(200);
    expect(same.body.seq).toBe(record.seq);
    expect(await history('alice', record.id)).toEqual(before);
    const unchanged = await as('alice')('GET', url);
    expect(unchanged.body.data).toMatchObject({ name: 'Globex', industry: 'trade' });
  });

  it('is no activity: the customer goes back to the pool on the date it would have', async () => {
    const record = await alicesCustomer('Initech', '13800000003');
    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 20 });
    const edited = await as('alice')('PATCH', `/api/pools/crm/records/${record.id}`, {
      data: { urgency: 4 },
    });
    expect(edited.body.timers).toEqual(record.timers);
    await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 11 });
    const after = await as('alice')('GET', `/api/pools/crm/records/${record.id}`);
    expect(after.body).toMatchObject({ state: 'pool', ownerId: null, data: { urgency: 4 } });
  });

  it("lets a manager edit a pooled record; members read the masked phone's change as ***", async () => {
    const created = await as('mia')('POST', '/api/pools/crm/records', {
      data: { name: 'Umbrella', phone: '13700000000' },
    });
    expect(created.body.state).toBe('pool');
    const url = `/api/pools/crm/records/${created.body.id}`;
    expect((await as('alice')('PATCH', url, { data: { phone: '1' } })).status).toBe(403);
    const edited = await as('mia')('PATCH', url, { data: { phone: '13755556666', urgency: 3 } });
    expect(edited.status).toBe(200);

    const asBob = (await history('bob', created.body.id)).at(-1)!;
    expect(asBob.payload).toEqual({
      before: { phone: '***', urgency: null },
      after: { phone: '***', urgency: 3 },
    });
    const asMia = (await history('mia', created.body.id)).at(-1)!;
    expect(asMia.payload).toEqual({
      before: { phone: '13700000000', urgency: null },
      after: { phone: '13755556666', urgency: 3 },
    });
  });

  it('refuses an edit made from values changed since, naming the field and its value now', async () => {
    const record = await alicesCustomer('Soylent', '13800000004');
    const url = `/api/pools/crm/records/${record.id}`;
    // Mia and Alice both opened the record with the phone 13800000004; Mia saves first.
    const seen = { phone: '13800000004' };
    const mias = await as('mia')('PATCH', url, { data: { phone: '13811111111' }, base: seen });
    expect(mias.status).toBe(200);
    const edits = (await history('alice', record.id)).filter((s) => s.event === 'EDIT').length;
    const alices = await as('alice')('PATCH', url, {
      data: { phone: '13822222222', urgency: 2 },
      base: { ...seen, urgency: 1 },
    });
    expect(alices.status).toBe(409);
    expect(alices.body.error.code).toBe('POOL_ERR_CONFLICT');
    expect(alices.body.error.details).toEqual([
      {
        path: '/body/data/phone',
        message: 'was changed by someone else since you read it',
        code: 'edit-conflict',
        params: { field: 'phone', now: '13811111111' },
      },
    ]);
    // Nothing of Alice's edit was written, not even the field nobody else changed.
    const now = await as('alice')('GET', url);
    expect(now.body.data).toMatchObject({ phone: '13811111111', urgency: 1 });
    expect((await history('alice', record.id)).filter((s) => s.event === 'EDIT')).toHaveLength(
      edits,
    );
    // From what she reads now, her edit goes through; a field nobody changed is no conflict.
    const again = await as('alice')('PATCH', url, {
      data: { phone: '13822222222', urgency: 2 },
      base: { phone: '13811111111', urgency: 1 },
    });
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ phone: '13822222222', urgency: 2 });
    // The same change made twice is no conflict either.
    const twice = await as('mia')('PATCH', url, {
      data: { phone: '13822222222' },
      base: { phone: '13811111111' },
    });
    expect(twice.status).toBe(200);
  });

  it("moves the timers whose delays read a changed field, from the state's entry", async () => {
    // The CRM with a key account (level A) kept 60 days without a follow-up, others 30.
    const document = template('crm-customer-pool') as {
      id: string;
      delays: Record<string, unknown>;
    };
    document.id = 'crm-key-accounts';
    document.delays['release'] = {
      days: { if: [{ '==': [{ var: 'entity.level' }, 'A'] }, 60, 30] },
    };
    const admin = (method: 'POST', url: string, body: unknown) =>
      call(t.app, t.adminToken, method, url, body);
    expect((await admin('POST', '/api/policies', { document })).status).toBe(201);
    const url = '/api/policies/crm-key-accounts/publish';
    expect((await admin('POST', url, { message: 'by level' })).status).toBe(200);
    const pool = await admin('POST', '/api/pools', {
      key: 'keys',
      name: { en: 'Key accounts', zh: '大客户' },
      policyId: 'crm-key-accounts',
      members: [{ userId: ids['alice'] }],
    });
    expect(pool.status).toBe(201);

    const created = await as('alice')('POST', '/api/pools/keys/records', {
      data: { name: 'Stark Industries', level: 'B' },
      ownerId: ids['alice'],
    });
    expect(created.status).toBe(201);
    const record = `/api/pools/keys/records/${created.body.id}`;
    const dueOf = (timers: Timer[]) =>
      Object.fromEntries(timers.map((x) => [x.delay, Date.parse(x.dueAt)]));
    const claimed = Date.parse(created.body.createdAt as string);
    expect(dueOf(created.body.timers)['release']).toBe(claimed + 30 * DAY);

    await admin('POST', '/api/clock/advance', { days: 5 });
    const upgraded = await as('alice')('PATCH', record, { data: { level: 'A' } });
    expect(upgraded.status).toBe(200);
    // Counted from the claim, not from the edit (an edit is no activity); the reminders follow.
    expect(dueOf(upgraded.body.timers)).toEqual({
      remind: claimed + 53 * DAY,
      escalate: claimed + 57 * DAY,
      release: claimed + 60 * DAY,
    });
    const step = ((await as('alice')('GET', `${record}/history`)).body.items as Step[]).at(-1)!;
    expect(step.payload?.timers?.['release']).toEqual({
      before: new Date(claimed + 30 * DAY).toISOString(),
      after: new Date(claimed + 60 * DAY).toISOString(),
    });
    // Past day 30 the key account is still Alice's; on day 31 it is one no more, so its release,
    // 30 days from the claim, is past: the next sweep takes it.
    await admin('POST', '/api/clock/advance', { days: 26 });
    expect((await as('alice')('GET', record)).body).toMatchObject({ state: 'owned' });
    const downgraded = await as('alice')('PATCH', record, { data: { level: 'B' } });
    expect(dueOf(downgraded.body.timers)['release']).toBe(claimed + 30 * DAY);
    await admin('POST', '/api/clock/advance', { minutes: 1 });
    expect((await as('alice')('GET', record)).body).toMatchObject({ state: 'pool', ownerId: null });
  });
});
