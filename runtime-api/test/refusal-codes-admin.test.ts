// Refusals of a rollout's version, a policy's draft and publish, and an import's body and CSV header carry
// a stable detail code and params beside their English message (a client words them in its language).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, template, type TestApp } from './helpers.js';

describe.each(backends)('refusal codes: rollout, policy, import (%s)', (backend) => {
  let t: TestApp;
  let boss: string;
  const count = async (table: string) =>
    Number(((await t.app.db(table).count({ n: '*' }).first()) as { n: unknown }).n);
  const upgrade = (pool: string, body: Record<string, unknown>) =>
    call(t.app, t.adminToken, 'POST', `/api/pools/${pool}/upgrade`, body);
  /** An import as the boss; `cut` closes the body without its end (a client gone mid-upload). */
  const importCsv = (payload: string, headers: Record<string, string> = {}, cut = false) =>
    t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: { authorization: `Bearer ${boss}`, 'content-type': 'text/csv', ...headers },
      payload,
      ...(cut ? { simulate: { end: false, close: true, split: false, error: false } } : {}),
    });

  beforeAll(async () => {
    t = await build(backend);
    const { tokens, ids } = await crmPool(t, { alice: {}, boss: { roles: ['manager'] } });
    boss = tokens['boss']!;
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME' },
      ownerId: ids['alice'],
    });
    expect(created.status).toBe(201);
    // Version 2 (a longer protection), and a pool that runs it.
    const v2 = template('crm-customer-pool') as { delays: Record<string, unknown> };
    v2.delays['release'] = { days: 45 };
    const url = '/api/policies/crm-customer-pool';
    expect((await call(t.app, t.adminToken, 'PUT', `${url}/draft`, { document: v2 })).status).toBe(
      200,
    );
    const published = await call(t.app, t.adminToken, 'POST', `${url}/publish`, { message: 'v2' });
    expect(published.body.version).toBe(2);
    const newer = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'newer',
      name: { en: 'Newer' },
      policyId: 'crm-customer-pool',
      policyVersion: 2,
      members: [{ userId: ids['alice'] }],
    });
    expect(newer.status, JSON.stringify(newer.body)).toBe(201);
  });
  afterAll(() => t.close());

  it('words a rollout to the version the pool runs, an older one, or one never published', async () => {
    const refusals: [string, number, string, string, Record<string, unknown>][] = [
      [
        'crm',
        1,
        'pool crm runs version 1 and no running record is on an older one',
        'version-current',
        { version: 1, pool: 'crm' },
      ],
      [
        'newer',
        1,
        'must not be older than version 2, which pool newer runs',
        'version-older',
        { version: 1, current: 2, pool: 'newer' },
      ],
      [
        'crm',
        9,
        'policy crm-customer-pool has no published version 9',
        'no-version',
        { policy: 'crm-customer-pool', version: 9 },
      ],
    ];
    for (const [pool, toVersion, message, code, params] of refusals) {
      for (const dryRun of [true, false]) {
        const res = await upgrade(pool, { toVersion, dryRun });
        expect(res.status, code).toBe(400);
        expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
        expect(res.body.error.details).toEqual([
          { path: '/body/toVersion', message, code, params },
        ]);
      }
    }
    expect(await count('pool_upgrades')).toBe(0);
    const pools = await t.app.db('pools').orderBy('key').pluck('policy_version');
    expect(pools).toEqual([1, 2]);
  });

  it("words a draft whose id is not the address's, and a forced publish without a message", async () => {
    const url = '/api/policies/crm-customer-pool';
    const other = { ...template('crm-customer-pool'), id: 'other-pool' };
    const draft = await call(t.app, t.adminToken, 'PUT', `${url}/draft`, { document: other });
    expect(draft.status).toBe(400);
    expect(draft.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(draft.body.error.details).toEqual([
      {
        path: '/body/document/id',
        message: 'must be crm-customer-pool',
        code: 'id-mismatch',
        params: { expected: 'crm-customer-pool', value: 'other-pool' },
      },
    ]);
    const saved = await call(t.app, t.adminToken, 'GET', url);
    expect(saved.body.draft.id).toBe('crm-customer-pool');
    expect(await t.app.db('policies').where({ id: 'other-pool' }).first()).toBeUndefined();

    const versions = await count('policy_versions');
    const forced = await call(t.app, t.adminToken, 'POST', `${url}/publish`, { force: true });
    expect(forced.status).toBe(400);
    expect(forced.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(forced.body.error.details).toEqual([
      {
        path: '/body/message',
        message: 'is required when publishing with force',
        code: 'force-message',
        params: {},
      },
    ]);
    expect(await count('policy_versions')).toBe(versions);
  });

  it('words an import of another content type, and an upload that ended early', async () => {
    const records = await count('records');
    for (const [type, value] of [
      ['application/json; charset=utf-8', 'application/json'],
      ['', ''],
    ] as const) {
      const res = await importCsv('{"data":{"name":"x"}}', { 'content-type': type });
      expect(res.statusCode, type).toBe(400);
      expect(res.json().error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
      expect(res.json().error.details).toEqual([
        {
          path: '/headers/content-type',
          message: 'must be text/csv or application/x-ndjson',
          code: 'content-type',
          params: { value, allowed: ['text/csv', 'application/x-ndjson'] },
        },
      ]);
    }
    const cut = await importCsv('name\nCut Co\n', {}, true);
    expect(cut.statusCode).toBe(400);
    expect(cut.json().error).toEqual({
      code: 'POOL_ERR_INVALID_PAYLOAD',
      message: '/body ended before it was complete',
      details: [
        {
          path: '/body',
          message: 'ended before it was complete',
          code: 'body-incomplete',
          params: {},
        },
      ],
    });
    expect(await count('records')).toBe(records);
  });

  it('words a CSV header naming a column twice, or one that is not a field', async () => {
    const records = await count('records');
    const res = await importCsv('name,colour,phone,name\nACME,red,123,Other Co\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    const fields = ['name', 'industry', 'phone', 'level', 'urgency'];
    expect(res.json().error.details).toEqual([
      {
        path: '/body/header/1',
        message: `"colour" is not a field of this pool (its fields: ${fields.join(', ')}; and ownerId)`,
        code: 'unknown-column',
        params: { column: 'colour', fields },
      },
      {
        path: '/body/header/3',
        message: 'repeats column 1, "name"',
        code: 'column-repeated',
        params: { column: 'name', index: 4, first: 1 },
      },
    ]);
    expect(await count('records')).toBe(records);
  });
});
