// A rep leaves: a manager releases their book to the pool in one request (POST
// /api/pools/:pool/release-bulk {recordIds, reason}). Each record goes back as its owner's release would
// (history RELEASE with the reason, by the manager); a record its state keeps (a won deal), one already
// in the pool and one that is not there are refused in their own results; bad input writes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

interface Result {
  id: string;
  ok: boolean;
  state?: string;
  error?: { code: string };
}

describe.each(backends)('bulk release (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const as = (who: string) => (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    call(t.app, who === 'admin' ? t.adminToken : tokens[who]!, method, url, body);
  const historyRows = async () =>
    Number(((await t.app.db('history').count({ n: '*' }).first()) as { n: unknown }).n);

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, alice: {}, bob: {} }));
  });
  afterAll(() => t.close());

  const customerOf = async (owner: string | null, name: string): Promise<string> => {
    const created = await as('boss')('POST', '/api/pools/crm/records', {
      data: { name },
      ...(owner ? { ownerId: ids[owner] } : {}),
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  it("gives a departed rep's customers back to the pool, refusing by record what may not go", async () => {
    const book = [
      await customerOf('alice', 'ACME'),
      await customerOf('alice', 'Globex'),
      await customerOf('alice', 'Initech'),
    ];
    const won = await customerOf('alice', 'Umbrella');
    expect(
      (await as('alice')('POST', `/api/pools/crm/records/${won}/events`, { type: 'WIN' })).status,
    ).toBe(200);
    const pooled = await customerOf(null, 'Hooli');
    const missing = randomUUID();
    // Alice leaves the company.
    const disabled = await as('admin')('PATCH', `/api/users/${ids['alice']}`, { disabled: true });
    expect(disabled.status).toBe(200);

    const reply = await as('boss')('POST', '/api/pools/crm/release-bulk', {
      recordIds: [...book, won, pooled, missing],
      reason: 'left the company',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.released).toBe(3);
    const results = reply.body.results as Result[];
    expect(results.map((r) => [r.id, r.ok, r.state ?? r.error?.code])).toEqual([
      [book[0], true, 'pool'],
      [book[1], true, 'pool'],
      [book[2], true, 'pool'],
      [won, false, 'POOL_ERR_EVENT_NOT_ALLOWED'],
      [pooled, false, 'POOL_ERR_EVENT_NOT_ALLOWED'],
      [missing, false, 'POOL_ERR_NOT_FOUND'],
    ]);
    // The won deal stays Alice's and won; the pooled record stays pooled.
    expect(results[3]!.error).toMatchObject({ details: { state: 'won', type: 'RELEASE' } });
    expect((await as('boss')('GET', `/api/pools/crm/records/${won}`)).body).toMatchObject({
      state: 'won',
      ownerId: ids['alice'],
    });
    expect((await as('boss')('GET', `/api/pools/crm/records/${pooled}`)).body.seq).toBe(1);

    for (const id of book) {
      const record = await as('bob')('GET', `/api/pools/crm/records/${id}`);
      expect(record.body).toMatchObject({ state: 'pool', pooled: true, ownerId: null });
      const steps = (await as('bob')('GET', `/api/pools/crm/records/${id}/history`)).body.items;
      expect(steps.at(-1)).toMatchObject({
        event: 'RELEASE',
        actorId: ids['boss'],
        ownerFrom: ids['alice'],
        ownerTo: null,
        reason: 'left the company',
      });
    }
    // Anyone in the pool may work them now.
    expect((await as('bob')('POST', `/api/pools/crm/records/${book[0]}/claim`)).status).toBe(200);
    const logged = await t.app.db('activity').where({ action: 'records.releaseBulk' });
    expect(logged).toHaveLength(1);
  });

  it('is for managers, and refuses bad input by field, writing nothing', async () => {
    const id = await customerOf('bob', 'Stark');
    const before = await historyRows();
    const url = '/api/pools/crm/release-bulk';
    const member = await as('bob')('POST', url, { recordIds: [id], reason: 'mine to drop' });
    expect(member.status).toBe(403);
    expect(member.body.error.code).toBe('POOL_ERR_FORBIDDEN');

    const refusals: [unknown, string][] = [
      [{ recordIds: [id], reason: '   ' }, '/body/reason'],
      [{ recordIds: [id] }, '/body/reason'],
      [{ recordIds: [], reason: 'left' }, '/body/recordIds'],
      [{ recordIds: ['not-an-id'], reason: 'left' }, '/body/recordIds/0'],
      [{ recordIds: [id, id], reason: 'left' }, '/body/recordIds'],
      [
        { recordIds: Array.from({ length: 501 }, () => randomUUID()), reason: 'left' },
        '/body/recordIds',
      ],
      [{ recordIds: [id], reason: 'x'.repeat(501) }, '/body/reason'],
    ];
    for (const [body, path] of refusals) {
      const refused = await as('boss')('POST', url, body);
      expect(refused.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await historyRows()).toBe(before);
    expect((await as('bob')('GET', `/api/pools/crm/records/${id}`)).body).toMatchObject({
      state: 'owned',
      ownerId: ids['bob'],
    });
  });
});
