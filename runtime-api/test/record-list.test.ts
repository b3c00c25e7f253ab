// The pool view pages by score with ties in a fixed order: nothing skipped or repeated across pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, publishPool, template, type TestApp } from './helpers.js';

describe.each(backends)('pool list paging (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens } = await crmPool(t, { alice: {} }));
  });
  afterAll(() => t.close());

  it('pages through records sharing a score in id order, the first being the one claim-next takes', async () => {
    const { app, adminToken } = t;
    const ids: string[] = [];
    for (const [name, industry] of [
      ['Tie A', 'trade'],
      ['Top', 'software'],
      ['Tie B', 'trade'],
      ['Tie C', 'manufacturing'],
      ['Low', 'other'],
      ['Tie D', 'trade'],
    ]) {
      const created = await call(app, adminToken, 'POST', '/api/pools/crm/records', {
        data: { name, industry },
        ownerId: null,
      });
      ids.push(created.body.id as string);
    }
    const seen: { id: string; score: number }[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        app,
        tokens['alice'],
        'GET',
        `/api/pools/crm/records?view=pool&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((r: { id: string; score: number }) => r));
      cursor = page.body.nextCursor;
    } while (cursor);
    const expected = seen
      .slice()
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(seen).toEqual(expected);
    expect(seen.map((r) => r.id).sort()).toEqual(ids.slice().sort());
    expect(new Set(seen.map((r) => r.score)).size).toBe(3); // 20 (software), 10 (trade, manufacturing), 0

    const next = await call(app, tokens['alice'], 'POST', '/api/pools/crm/claim-next');
    expect(next.body.id).toBe(seen[0].id);
    const afterTop = await call(app, tokens['alice'], 'POST', '/api/pools/crm/claim-next');
    expect(afterTop.body.id).toBe(seen[1].id);
  });

  it("filters by a state of the pool's policy and refuses a state it does not have", async () => {
    const { app, adminToken } = t;
    const owned = await call(app, adminToken, 'GET', '/api/pools/crm/records?view=all&state=owned');
    expect(owned.status).toBe(200);
    expect(owned.body.items).toHaveLength(2); // the two claimed above
    // A misspelt state used to list nothing, as if no record were in it.
    for (const path of ['records?view=all&state=ownd', 'export?state=ownd']) {
      const res = await call(app, adminToken, 'GET', `/api/pools/crm/${path}`);
      expect(res.status, path).toBe(400);
      expect(res.body.error.details[0].path).toBe('/querystring/state');
      expect(res.body.error.details[0].message).toContain('this pool has no state ownd');
    }
  });

  it('answers 400 to a forged cursor, never a database error', async () => {
    const forged = Buffer.from(JSON.stringify(['10', 'not-a-uuid'])).toString('base64url');
    const res = await call(
      app(),
      tokens['alice'],
      'GET',
      `/api/pools/crm/records?cursor=${forged}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'POOL_ERR_INVALID_PAYLOAD' });
    const nan = Buffer.from(JSON.stringify(['x', '00000000-0000-0000-0000-000000000000'])).toString(
      'base64url',
    );
    expect(
      (await call(app(), tokens['alice'], 'GET', `/api/pools/crm/records?cursor=${nan}`)).status,
    ).toBe(400);
  });

  const app = () => t.app;
});

describe.each(backends)('pool search and masked fields (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, rep: {} }));
    // The CRM policy masking the level too: a field with fixed values, so one a list filters by.
    const crm = template('crm-customer-pool') as { entity: Record<string, unknown> };
    const masked = {
      ...crm,
      id: 'crm-masked',
      entity: { ...crm.entity, maskedInPool: ['phone', 'level'] },
    };
    await publishPool(t, masked, 'masked', [ids['boss']!, ids['rep']!]);
  });
  afterAll(() => t.close());

  it('does not let a rep find a pooled record by a masked field', async () => {
    await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Secret Phone Co', phone: '13912345678' },
      ownerId: null,
    });
    const byPhone = await call(
      t.app,
      tokens['rep']!,
      'GET',
      '/api/pools/crm/records?view=pool&q=13912345678',
    );
    expect(byPhone.body.items).toEqual([]);
    const byName = await call(
      t.app,
      tokens['rep']!,
      'GET',
      '/api/pools/crm/records?view=pool&q=secret%20phone',
    );
    expect(byName.body.items.map((r: { data: { name: string } }) => r.data.name)).toEqual([
      'Secret Phone Co',
    ]);
    const manager = await call(
      t.app,
      tokens['boss']!,
      'GET',
      '/api/pools/crm/records?view=pool&q=13912345678',
    );
    expect(manager.body.items).toHaveLength(1);
  });

  it("refuses a rep's filter by a masked field (400 naming it) and keeps a manager's", async () => {
    const list = (token: string, query: string) =>
      call(t.app, token, 'GET', `/api/pools/masked/records?${query}`);
    const created = await call(t.app, tokens['boss']!, 'POST', '/api/pools/masked/records', {
      data: { name: 'Level A Co', industry: 'software', level: 'A', phone: '13900000001' },
      ownerId: null,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const pooled = await list(tokens['rep']!, 'view=pool');
    expect(pooled.body.items.map((r: { data: object }) => r.data)).toEqual([
      { name: 'Level A Co', industry: 'software', level: '***', phone: '***' },
    ]);
    // Trying each value would tell the masked one: every value is refused alike, naming the field.
    for (const query of ['fields=level:A', 'fields=level:B', 'fields=industry:software,level:A']) {
      const res = await list(tokens['rep']!, `view=pool&${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.details).toEqual([
        {
          path: '/querystring/fields',
          message:
            "level is masked in this view: only the pool's managers and a record's owner filter by it",
          code: 'field-masked',
          params: { name: 'level' },
        },
      ]);
    }
    // Sorting by an entity field, or another user's records, are not a rep's to ask for at all.
    const sorted = await list(tokens['rep']!, 'view=pool&sort=level');
    expect(sorted.status).toBe(400);
    expect(JSON.stringify(sorted.body.error)).toContain('/querystring/sort');
    const owner = await list(tokens['rep']!, 'view=pool&owner=someone');
    expect(owner.status).toBe(400);
    expect(owner.body.error.details[0].path).toBe('/querystring/owner');
    // A field the rep sees still filters their pool view.
    const byIndustry = await list(tokens['rep']!, 'view=pool&fields=industry:software');
    expect(byIndustry.status).toBe(200);
    expect(byIndustry.body.items).toHaveLength(1);
    expect((await list(tokens['rep']!, 'view=pool&fields=industry:finance')).body.items).toEqual(
      [],
    );
    // The pool's manager sees the level, and filters by it.
    expect((await list(tokens['boss']!, 'view=pool&fields=level:A')).body.items).toHaveLength(1);
    expect((await list(tokens['boss']!, 'view=pool&fields=level:B')).body.items).toEqual([]);
    // A rep's own records show every field: their own list filters by the level.
    const own = await call(t.app, tokens['rep']!, 'POST', '/api/pools/masked/records', {
      data: { name: 'My Level B Co', level: 'B' },
      ownerId: ids['rep'],
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const mine = await list(tokens['rep']!, 'view=mine&fields=level:B');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((r: { data: { name: string } }) => r.data.name)).toEqual([
      'My Level B Co',
    ]);
  });

  it('keeps a field masked while records of a version that masks it run in the pool', async () => {
    const list = (pool: string, query: string) =>
      call(t.app, tokens['rep']!, 'GET', `/api/pools/${pool}/records?view=pool&${query}`);
    // Version 2 masks the phone only; the pool runs it, its records stay on version 1 until an upgrade.
    const crm = template('crm-customer-pool') as { entity: Record<string, unknown> };
    const v2 = { ...crm, id: 'crm-masked', entity: { ...crm.entity, maskedInPool: ['phone'] } };
    const admin = t.adminToken;
    const draft = await call(t.app, admin, 'PUT', '/api/policies/crm-masked/draft', {
      document: v2,
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    const published = await call(t.app, admin, 'POST', '/api/policies/crm-masked/publish', {});
    expect(published.body.version).toBe(2);
    const patched = await call(t.app, admin, 'PATCH', '/api/pools/masked', { policyVersion: 2 });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    // The pooled 'Level A Co' still shows '***' for its level: filtering by it would tell the value.
    const pooled = await list('masked', '');
    expect(pooled.body.items.map((r: { data: { level: string } }) => r.data.level)).toEqual([
      '***',
    ]);
    const byLevel = await list('masked', 'fields=level:A');
    expect(byLevel.status).toBe(400);
    expect(byLevel.body.error.details[0].path).toBe('/querystring/fields');
    // The workspace is told so, and offers no such filter; version 2 itself masks the phone only.
    const policy = (query: string) =>
      call(t.app, tokens['rep']!, 'GET', `/api/pools/masked/policy${query}`);
    expect((await policy('')).body.entity.maskedInPool.sort()).toEqual(['level', 'phone']);
    expect((await policy('?version=2')).body.entity.maskedInPool).toEqual(['phone']);
    // A pool whose records all run version 2 filters by the level.
    await call(t.app, admin, 'POST', '/api/pools', {
      key: 'unmasked',
      name: { en: 'unmasked' },
      policyId: 'crm-masked',
      members: [{ userId: ids['boss'] }, { userId: ids['rep'] }],
    });
    const created = await call(t.app, tokens['boss']!, 'POST', '/api/pools/unmasked/records', {
      data: { name: 'Level A v2 Co', level: 'A' },
      ownerId: null,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const v2List = await list('unmasked', 'fields=level:A');
    expect(v2List.status, JSON.stringify(v2List.body)).toBe(200);
    expect(v2List.body.items.map((r: { data: { level: string } }) => r.data.level)).toEqual(['A']);
    expect(
      (await call(t.app, tokens['rep']!, 'GET', '/api/pools/unmasked/policy')).body.entity,
    ).toMatchObject({ maskedInPool: ['phone'] });
  });
});
