// Entry and routing rules of a pool: saved only when every field is right, records refused at the door
// or created where the first rule says, released records moved in the releasing write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, call, crmPool, publishPool, template, type TestApp } from './helpers.js';
import { build } from './helpers.js';
import { byIndustry, hardToSeniors, noPhone, nurture } from '../../engine/test/routing-fixtures.js';

type Body = {
  error: { code: string; details: { path: string; message: string; code?: string }[] };
};
const paths = (body: unknown) => (body as Body).error.details.map((d) => d.path);

const ROUTING = {
  admission: [noPhone],
  rules: [nurture, hardToSeniors, byIndustry('finance', ['release'])],
};

describe.each(backends)('pool routing (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  const count = async (where: Record<string, unknown> = {}) =>
    Number(
      ((await t.app.db('records').where(where).count({ n: '*' }).first()) as { n: unknown }).n,
    );
  const put = (body: unknown, token = t.adminToken) =>
    call(t.app, token, 'PUT', '/api/pools/crm/routing', body);

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, {
      alice: {},
      boss: { roles: ['manager'] },
    }));
    await t.app.db('pool_members').where({ pool_key: 'crm', user_id: ids['boss'] }).update({
      role: 'manager',
    });
    for (const key of ['nurture', 'seniors', 'finance']) {
      const res = await call(t.app, t.adminToken, 'POST', '/api/pools', {
        key,
        name: { en: key },
        policyId: 'crm-customer-pool',
        members: [{ userId: ids['alice'] }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const dept = await call(t.app, t.adminToken, 'POST', '/api/departments', {
      key: 'east',
      name: { en: 'East' },
    });
    expect(dept.status).toBe(201);
    const east = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'east-crm',
      name: { en: 'East' },
      policyId: 'crm-customer-pool',
      departmentId: 'east',
    });
    expect(east.status, JSON.stringify(east.body)).toBe(201);
    await publishPool(t, template('hr-candidate-pool'), 'talent', []);
  });
  afterAll(() => t.close());

  it('refuses a routing with a bad field, naming it, and writes nothing', async () => {
    expect((await put(ROUTING)).status).toBe(200);
    const rule = (over: Record<string, unknown>) => ({ ...ROUTING.rules[1], ...over });
    const cases: [unknown, string][] = [
      [{ rules: [rule({}), rule({ pool: 'crm', name: 'self' })] }, '/body/rules/1/pool'],
      [{ rules: [rule({ pool: 'nowhere' })] }, '/body/rules/0/pool'],
      [{ rules: [rule({ pool: 'east-crm' })] }, '/body/rules/0/pool'],
      [{ rules: [rule({ pool: 'talent' })] }, '/body/rules/0/pool'],
      [{ rules: [rule({}), rule({ pool: 'finance' })] }, '/body/rules/1/name'],
      [{ rules: [rule({ when: { eval: ['1'] } })] }, '/body/rules/0/when/eval'],
      [{ rules: [rule({ when: { var: 'entity.regoin' } })] }, '/body/rules/0/when/var'],
      [{ rules: [rule({ on: ['later'] })] }, '/body/rules/0/on/0'],
      [{ rules: [rule({ pool: 'Bad Key' })] }, '/body/rules/0/pool'],
      [{ admission: [{ name: 'a', when: true }], rules: [] }, '/body/admission/0/message'],
      [{ rules: Array.from({ length: 51 }, (_, i) => rule({ name: `r${i}` })) }, '/body/rules'],
      [
        {
          admission: Array.from({ length: 21 }, (_, i) => ({
            ...noPhone,
            name: `a${i}`,
          })),
          rules: [],
        },
        '/body/admission',
      ],
      [{ admission: [] }, '/body/rules'],
    ];
    for (const [body, path] of cases) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(paths(res.body), JSON.stringify(res.body)).toContain(path);
    }
    const saved = await call(t.app, t.adminToken, 'GET', '/api/pools/crm/routing');
    expect(saved.body).toEqual(ROUTING);
  });

  it('gives each refusal its code and params beside the English, for a client to word it', async () => {
    const rule = (over: Record<string, unknown>) => ({ ...ROUTING.rules[1], ...over });
    const detail = async (body: unknown) => {
      const res = await put(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return (res.body as Body).error.details[0];
    };
    expect(await detail({ rules: [rule({ pool: 'crm' })] })).toEqual({
      path: '/body/rules/0/pool',
      code: 'same-pool',
      message: 'must be another pool than this one',
      params: { pool: 'crm' },
    });
    expect(await detail({ rules: [rule({ pool: 'nowhere' })] })).toMatchObject({
      code: 'unknown-pool',
      message: 'no pool named "nowhere"',
      params: { pool: 'nowhere' },
    });
    expect(await detail({ rules: [rule({ pool: 'east-crm' })] })).toMatchObject({
      code: 'other-department',
      params: { pool: 'east-crm' },
    });
    expect(await detail({ rules: [rule({ pool: 'talent' })] })).toMatchObject({
      code: 'other-policy',
      params: { pool: 'talent', policy: 'hr-candidate-pool', expected: 'crm-customer-pool' },
    });
    expect(await detail({ rules: [rule({}), rule({ pool: 'finance' })] })).toMatchObject({
      path: '/body/rules/1/name',
      code: 'duplicate-name',
      params: { name: ROUTING.rules[1]!.name },
    });
    expect(await detail({ rules: [rule({ when: { var: 'entity.regoin' } })] })).toMatchObject({
      path: '/body/rules/0/when/var',
      code: 'unknown-var',
      params: { field: 'entity.regoin' },
    });
    expect(await detail({ admission: [{ name: 'a', when: true }], rules: [] })).toEqual({
      path: '/body/admission/0/message',
      code: 'schema',
      message: "must have required property 'message'",
      params: { missingProperty: 'message', keyword: 'required' },
    });
  });

  it('lets managers read and try the routing, and only admins of the department change it', async () => {
    expect((await call(t.app, tokens['boss']!, 'GET', '/api/pools/crm/routing')).status).toBe(200);
    expect((await call(t.app, tokens['alice']!, 'GET', '/api/pools/crm/routing')).status).toBe(403);
    expect((await put({ rules: [] }, tokens['boss'])).status).toBe(403);
    const tryRecord = (data: unknown, extra: Record<string, unknown> = {}) =>
      call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/routing/test', { data, ...extra });
    expect(
      (await tryRecord({ name: 'A', phone: '1', level: 'C', industry: 'retail' })).body,
    ).toEqual({
      pool: 'nurture',
      rule: 'nurture',
    });
    expect((await tryRecord({ name: 'A', phone: '1', level: 'A' })).body).toEqual({
      pool: 'crm',
      rule: null,
    });
    expect((await tryRecord({ name: 'A' })).body).toEqual({
      refused: { rule: 'no-phone', message: noPhone.message },
    });
    const hard = await tryRecord(
      { name: 'A', phone: '1' },
      { on: 'release', instance: { tags: ['hard'] } },
    );
    expect(hard.body).toEqual({ pool: 'seniors', rule: 'hard' });
    // An unsaved routing is tried as it would be saved: checked first.
    const unsaved = await tryRecord(
      { name: 'A', phone: '1' },
      { routing: { rules: [{ name: 'x', when: true, pool: 'nope' }] } },
    );
    expect(unsaved.status).toBe(400);
    expect(paths(unsaved.body)).toEqual(['/body/routing/rules/0/pool']);
    const bad = await tryRecord({ name: 'A', urgency: 'high' });
    expect(paths(bad.body)).toEqual(['/body/data/urgency']);
  });

  it('creates a record where the first rule says, or refuses it with the rule (422, nothing written)', async () => {
    const before = await count();
    const refused = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'No phone Ltd' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      error: {
        code: 'POOL_ERR_NOT_ADMITTED',
        details: { rule: 'no-phone', message: { en: 'A lead needs a phone number' } },
      },
    });
    expect(await count()).toBe(before);
    const nurtured = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Corner shop', phone: '1', level: 'C', industry: 'retail' },
      ownerId: null,
    });
    expect(nurtured.status, JSON.stringify(nurtured.body)).toBe(201);
    expect(nurtured.body).toMatchObject({ pool: 'nurture' });
    const id = (nurtured.body as { id: string }).id;
    expect(await t.app.db('records').where({ id }).first('pool_key')).toEqual({
      pool_key: 'nurture',
    });
    const history = await call(
      t.app,
      t.adminToken,
      'GET',
      `/api/pools/nurture/records/${id}/history`,
    );
    expect(JSON.stringify(history.body)).toContain('"routedBy":"nurture"');
    const stays = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Target Co', phone: '2', level: 'A', industry: 'software' },
    });
    expect(stays.body).toMatchObject({ pool: 'crm' });
  });

  it('moves a record released by an event to the pool of the first release rule, in the same write', async () => {
    /** Creates a record of `industry` owned by alice, who releases it: the release's reply and the id. */
    const releaseOne = async (industry: string) => {
      const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
        data: { name: `${industry} Co`, phone: `tel ${industry}`, level: 'B', industry },
        ownerId: ids['alice'],
      });
      expect(created.body).toMatchObject({ pool: 'crm', ownerId: ids['alice'] });
      const id = (created.body as { id: string }).id;
      const path = `/api/pools/crm/records/${id}/release`;
      const released = await call(t.app, tokens['alice']!, 'POST', path, { reason: 'not now' });
      expect(released.status, JSON.stringify(released.body)).toBe(200);
      return { id, body: released.body };
    };
    const { id, body } = await releaseOne('finance');
    expect(body).toMatchObject({ pool: 'finance', ownerId: null });
    const row = await t.app.db('records').where({ id }).first('pool_key', 'state', 'seq');
    expect(row).toMatchObject({ pool_key: 'finance', state: 'pool' });
    // One step: the release and the move are one history row, saying which rule routed it.
    const history = await t.app.db('history').where({ record_id: id }).orderBy('seq');
    expect(history.map((h) => h.event_type)).toEqual(['CREATE', 'RELEASE']);
    expect(history[1]!.payload).toMatchObject({ routedBy: 'finance', routedTo: 'finance' });
    // A record of another industry is released where it is.
    expect((await releaseOne('retail')).body).toMatchObject({ pool: 'crm', ownerId: null });
  });
  it('imports a routed row only for an owner who is a member of the pool it lands in', async () => {
    const lead = { name: 'Kiosk', phone: '3', level: 'C', industry: 'retail' };
    const rows = [
      { data: lead, ownerId: ids['alice'] },
      { data: { ...lead, name: 'Kiosk 2', phone: '4' }, ownerId: ids['boss'] },
      { data: { name: 'Nobody' } },
    ];
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: {
        authorization: `Bearer ${tokens['boss']}`,
        'content-type': 'application/x-ndjson',
      },
      payload: `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`,
    });
    expect(res.json()).toMatchObject({
      rows: 3,
      imported: 1,
      failed: 2,
      routed: { nurture: 1 },
      errors: [
        {
          line: 2,
          path: '/ownerId',
          message: 'is not a member of pool nurture, where the row is routed',
          code: 'not-member',
          params: { user: ids['boss'], pool: 'nurture' },
        },
        {
          line: 3,
          path: '/data',
          code: 'POOL_ERR_NOT_ADMITTED',
          rule: 'no-phone',
          params: { rule: 'no-phone', message: { en: 'A lead needs a phone number' } },
        },
      ],
    });
  });
});
