// Bad input gets a 4xx whose error names the field (a JSON pointer), and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, login, template, type TestApp } from './helpers.js';

describe.each(backends)('bad input (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  let recordId: string;
  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number(((await t.app.db(table).where(where).count({ n: '*' }).first()) as { n: unknown }).n);
  const paths = (body: { error: { details: { path: string }[] } }) =>
    body.error.details.map((d) => d.path);
  const eventsUrl = () => `/api/pools/crm/records/${recordId}/events`;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {} }));
    const created = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME' },
      ownerId: ids['alice'],
    });
    recordId = created.body.id as string;
  });
  afterAll(() => t.close());

  it('names fields of the wrong type', async () => {
    const clock = await t.app.clock.now(t.app.db);
    const days = await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: 'ten' });
    expect(days.status).toBe(400);
    expect(days.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(paths(days.body)).toEqual(['/body/days']);
    expect(days.body.error.message).toBe('/body/days must be number');
    expect(await t.app.clock.now(t.app.db)).toBe(clock);

    const users = await count('users');
    const user = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: { first: 'eve' },
      password: 'eve-password',
      attributes: 'senior',
    });
    expect(user.status).toBe(400);
    expect(paths(user.body).sort()).toEqual(['/body/attributes', '/body/username']);
    expect(await count('users')).toBe(users);

    // A choice names what it allows, as an event payload's choices do.
    const pool = await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', {
      distribution: 'random',
    });
    expect(pool.status).toBe(400);
    expect(pool.body.error.details).toEqual([
      {
        path: '/body/distribution',
        message: 'must be equal to one of the allowed values: manual, roundRobin, leastLoaded',
        code: 'schema',
        params: { allowedValues: ['manual', 'roundRobin', 'leastLoaded'], keyword: 'enum' },
      },
    ]);
    expect((await t.app.db('pools').where({ key: 'crm' }).first())!.distribution).toBe('manual');

    const records = await count('records');
    const data = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: 'ACME',
    });
    expect(data.status).toBe(400);
    expect(paths(data.body)).toEqual(['/body/data']);
    expect(await count('records')).toBe(records);
  });

  it('takes JSON bodies as sent: a string is not a list, a number is not a password', async () => {
    const users = await count('users');
    const created = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'eve',
      password: 'eve-password',
      roles: 'member',
    });
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual([
      {
        path: '/body/roles',
        message: 'must be array',
        code: 'schema',
        params: { type: 'array', keyword: 'type' },
      },
    ]);
    const numeric = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'eve',
      password: 123456789012,
    });
    expect(numeric.status).toBe(400);
    expect(paths(numeric.body)).toEqual(['/body/password']);
    expect(await count('users')).toBe(users);

    const patch = await call(t.app, t.adminToken, 'PATCH', `/api/users/${ids['alice']}`, {
      roles: 'manager',
      password: 123456789012,
    });
    expect(patch.status).toBe(400);
    expect(paths(patch.body).sort()).toEqual(['/body/password', '/body/roles']);
    const alice = (await t.app.db('users').where({ id: ids['alice'] }).first()) as {
      roles: string[] | string;
    };
    expect(typeof alice.roles === 'string' ? JSON.parse(alice.roles) : alice.roles).toEqual([
      'member',
    ]);
    expect(await login(t.app, 'alice', 'alice-password')).toBeTruthy();

    const clock = await t.app.clock.now(t.app.db);
    const days = await call(t.app, t.adminToken, 'POST', '/api/clock/advance', { days: '10' });
    expect(paths(days.body)).toEqual(['/body/days']);
    expect(await t.app.clock.now(t.app.db)).toBe(clock);
    const version = await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', {
      policyVersion: '1',
    });
    expect(paths(version.body)).toEqual(['/body/policyVersion']);
    const history = await count('history', { record_id: recordId });
    const bulk = await call(t.app, t.adminToken, 'POST', '/api/pools/crm/assign-bulk', {
      recordIds: recordId,
      userId: ids['alice'],
    });
    expect(bulk.status).toBe(400);
    expect(paths(bulk.body)).toEqual(['/body/recordIds']);
    expect(await count('history', { record_id: recordId })).toBe(history);

    // Query strings are text: they are still read as their schema's types.
    const list = await call(
      t.app,
      tokens['alice']!,
      'GET',
      '/api/pools/crm/records?view=mine&limit=1',
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
  });

  it('names unknown fields, in bodies and query strings', async () => {
    const pools = await count('pools');
    const res = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'extra',
      name: { en: 'Extra' },
      policyId: 'crm-customer-pool',
      color: 'red',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      {
        path: '/body/color',
        message: 'is not a known field',
        code: 'schema',
        params: { additionalProperty: 'color', keyword: 'additionalProperties' },
      },
    ]);
    expect(await count('pools')).toBe(pools);

    const users = await count('users');
    const escalate = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'eve',
      password: 'eve-password',
      isAdmin: true,
    });
    expect(paths(escalate.body)).toEqual(['/body/isAdmin']);
    expect(await count('users')).toBe(users);

    const query = await call(
      t.app,
      tokens['alice']!,
      'GET',
      '/api/pools/crm/records?limit=0&foo=1',
    );
    expect(query.status).toBe(400);
    expect(paths(query.body).sort()).toEqual(['/querystring/foo', '/querystring/limit']);
    const param = await call(t.app, tokens['alice']!, 'GET', '/api/pools/crm/records/not-a-uuid');
    expect(paths(param.body)).toEqual(['/params/id']);
  });

  it('refuses a body over the limit, broken JSON and prototype pollution at the body', async () => {
    const records = await count('records');
    const huge = JSON.stringify({ data: { name: 'x'.repeat(1024 * 1024 + 10) } });
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/records',
      payload: huge,
      headers: { authorization: `Bearer ${tokens['alice']}`, 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({
      code: 'POOL_ERR_TOO_LARGE',
      message: '/body is larger than the limit of 1048576 bytes',
      details: [{ path: '/body' }],
    });

    for (const payload of [
      '{"data": {"name": ',
      '{"data": {"name": "x"}, "__proto__": {"x": 1}}',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/pools/crm/records',
        payload,
        headers: { authorization: `Bearer ${tokens['alice']}`, 'content-type': 'application/json' },
      });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().error.details[0].path, payload).toBe('/body');
    }
    expect(await count('records')).toBe(records);
  });

  it('refuses a policy using an operator outside the allow-list, naming where', async () => {
    const crm = template('crm-customer-pool');
    const bad = {
      ...crm,
      id: 'sneaky-policy',
      rules: {
        ...(crm['rules'] as object),
        isHard: { method: [{ var: 'entity.name' }, 'constructor'] },
      },
    };
    const policies = await count('policies');
    const res = await call(t.app, t.adminToken, 'POST', '/api/policies', { document: bad });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_POLICY');
    expect(res.body.error.details).toContainEqual(
      // With what it names, for a client to word it in its own language.
      expect.objectContaining({
        path: '/document/rules/isHard/method',
        code: 'unknown-operator',
        params: { operator: 'method' },
      }),
    );
    expect(await count('policies')).toBe(policies);

    // A draft may hold it while being edited, but it can never be published.
    const draft = await call(t.app, t.adminToken, 'PUT', '/api/policies/crm-customer-pool/draft', {
      document: { ...bad, id: 'crm-customer-pool' },
    });
    expect(draft.body.validation.valid).toBe(false);
    const versions = await count('policy_versions');
    const publish = await call(
      t.app,
      t.adminToken,
      'POST',
      '/api/policies/crm-customer-pool/publish',
      {},
    );
    expect(publish.status).toBe(400);
    expect(publish.body.error.code).toBe('POOL_ERR_INVALID_POLICY');
    expect(await count('policy_versions')).toBe(versions);
  });

  it('names /body/data/<field> for record data failing the entity schema', async () => {
    const records = await count('records');
    const res = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { industry: 'space', urgency: 9 },
    });
    expect(res.status).toBe(400);
    expect(paths(res.body).sort()).toEqual([
      '/body/data/industry',
      '/body/data/name',
      '/body/data/urgency',
    ]);
    expect(await count('records')).toBe(records);
  });

  it('refuses record data with a field the pool does not define, naming it', async () => {
    const records = await count('records');
    const res = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME', colour: 'red' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: '/body/data/colour', message: 'colour is not a field of this pool' },
    ]);
    expect(await count('records')).toBe(records);
    const routed = await call(t.app, t.adminToken, 'POST', '/api/pools/crm/routing/test', {
      data: { name: 'ACME', colour: 'red' },
    });
    expect(routed.status).toBe(400);
    expect(paths(routed.body)).toEqual(['/body/data/colour']);
  });

  it('names /body/payload/<field> for an event payload failing its schema', async () => {
    const history = await count('history', { record_id: recordId });
    const res = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), {
      type: 'FOLLOW_UP',
      payload: { channel: 'pigeon', colour: 'red' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(res.body.error.details).toEqual([
      { path: '/body/payload/note', message: "must have required property 'note'" },
      { path: '/body/payload/colour', message: 'is not a known field' },
      {
        path: '/body/payload/channel',
        message: 'must be equal to one of the allowed values: call, visit, email, wechat',
      },
    ]);
    expect(res.body.error.message).toContain('/body/payload/colour is not a known field');
    expect(await count('history', { record_id: recordId })).toBe(history);
  });

  it('replays a retried event once and refuses its key for another body', async () => {
    const headers = { 'idempotency-key': 'follow-up-1' };
    const body = { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'first call' } };
    const first = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), body, headers);
    expect(first.status).toBe(200);
    const retry = await t.app.inject({
      method: 'POST',
      url: eventsUrl(),
      payload: body,
      headers: { authorization: `Bearer ${tokens['alice']}`, ...headers },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.body);
    expect(await count('history', { record_id: recordId, event_type: 'FOLLOW_UP' })).toBe(1);

    const other = await call(
      t.app,
      tokens['alice']!,
      'POST',
      eventsUrl(),
      { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'second call' } },
      headers,
    );
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('POOL_ERR_IDEMPOTENCY_MISMATCH');
    expect(await count('history', { record_id: recordId, event_type: 'FOLLOW_UP' })).toBe(1);
  });

  it('names /body/type for an event the policy does not have (400, not a 409), writing nothing', async () => {
    const history = await count('history', { record_id: recordId });
    const res = await call(t.app, tokens['alice']!, 'POST', eventsUrl(), { type: 'FOLLOWUP' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(res.body.error.details).toEqual([
      {
        path: '/body/type',
        message: expect.stringMatching(/^this pool has no event FOLLOWUP; its events: .*FOLLOW_UP/),
      },
    ]);
    expect(await count('history', { record_id: recordId })).toBe(history);
  });

  it('refuses NUL characters in bodies, query strings, paths and headers, naming the field', async () => {
    const records = await count('records');
    const alice = { authorization: `Bearer ${tokens['alice']}` };
    const body = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'AC\u0000ME' },
    });
    expect(body.status).toBe(400);
    expect(paths(body.body)).toEqual(['/body/data/name']);
    const key = await call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME', 'ph\u0000one': '1' },
    });
    expect(paths(key.body)).toEqual(['/body/data/ph\u0000one']);
    const query = await call(t.app, tokens['alice']!, 'GET', '/api/pools/crm/records?q=a%00b');
    expect(query.status).toBe(400);
    expect(paths(query.body)).toEqual(['/querystring/q']);
    const param = await call(t.app, tokens['alice']!, 'GET', '/api/pools/cr%00m/records');
    expect(paths(param.body)).toEqual(['/params/pool']);
    const header = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/records',
      headers: { ...alice, 'idempotency-key': 'k\u0000' },
      payload: { data: { name: 'ACME' } },
    });
    expect(header.statusCode).toBe(400);
    expect(header.json().error.details).toEqual([
      { path: '/headers/idempotency-key', message: 'must not contain a NUL character' },
    ]);
    expect(await count('records')).toBe(records);
  });

  it('names /body/<field> when a key, username or policy id is taken, or a pool member or version is unknown', async () => {
    const pools = await count('pools');
    const taken = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'crm',
      name: { en: 'Again' },
      policyId: 'crm-customer-pool',
    });
    expect(taken.status).toBe(400);
    expect(paths(taken.body)).toEqual(['/body/key']);
    const ghost = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'ghosts',
      name: { en: 'Ghosts' },
      policyId: 'crm-customer-pool',
      members: [{ userId: ids['alice'] }, { userId: 'ghost' }],
    });
    expect(ghost.status).toBe(400);
    expect(paths(ghost.body)).toEqual(['/body/members/1/userId']);
    const unpublished = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'ghosts',
      name: { en: 'Ghosts' },
      policyId: 'no-such-policy',
    });
    expect(unpublished.status).toBe(400);
    expect(paths(unpublished.body)).toEqual(['/body/policyId']);
    const version = await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'ghosts',
      name: { en: 'Ghosts' },
      policyId: 'crm-customer-pool',
      policyVersion: 9,
    });
    expect(version.status).toBe(400);
    expect(paths(version.body)).toEqual(['/body/policyVersion']);
    expect(await count('pools')).toBe(pools);
    const patched = await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', {
      policyVersion: 9,
    });
    expect(patched.status).toBe(400);
    expect(paths(patched.body)).toEqual(['/body/policyVersion']);

    const users = await count('users');
    const user = await call(t.app, t.adminToken, 'POST', '/api/users', {
      username: 'alice',
      password: 'another-alice-password',
      roles: ['member'],
    });
    expect(user.status).toBe(400);
    expect(paths(user.body)).toEqual(['/body/username']);
    expect(await count('users')).toBe(users);

    const policy = await call(t.app, t.adminToken, 'POST', '/api/policies', {
      document: template('crm-customer-pool'),
    });
    expect(policy.status).toBe(400);
    expect(paths(policy.body)).toEqual(['/body/document/id']);
    const draft = await call(t.app, t.adminToken, 'PUT', '/api/policies/crm-customer-pool/draft', {
      document: template('hr-candidate-pool'),
    });
    expect(draft.status).toBe(400);
    expect(paths(draft.body)).toEqual(['/body/document/id']);
  });

  it('refuses a new policy whose name is only blanks, naming /body/document/name/en', async () => {
    const policies = await count('policies');
    const document = { ...template('crm-customer-pool'), id: 'blank-name', name: { en: '   ' } };
    const res = await call(t.app, t.adminToken, 'POST', '/api/policies', { document });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_POLICY');
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: '/document/name/en', code: 'blank-name' }),
    ]);
    expect(await count('policies')).toBe(policies);
  });

  it('refuses a release whose reason is only blanks, naming /body/reason, and keeps the record', async () => {
    const before = await call(t.app, tokens['alice']!, 'GET', `/api/pools/crm/records/${recordId}`);
    for (const reason of ['   ', '\t\n', '\u3000']) {
      const res = await call(
        t.app,
        tokens['alice']!,
        'POST',
        `/api/pools/crm/records/${recordId}/release`,
        { reason },
      );
      expect(res.status, JSON.stringify(reason)).toBe(400);
      expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
      expect(paths(res.body)).toEqual(['/body/reason']);
      // The same release sent as an event: the template's reason must not be blank either.
      const event = await call(
        t.app,
        tokens['alice']!,
        'POST',
        `/api/pools/crm/records/${recordId}/events`,
        { type: 'RELEASE', payload: { reason } },
      );
      expect(event.status, JSON.stringify(reason)).toBe(400);
      expect(event.body.error.details).toEqual([
        { path: '/body/payload/reason', message: 'must not be blank' },
      ]);
    }
    const after = await call(t.app, tokens['alice']!, 'GET', `/api/pools/crm/records/${recordId}`);
    expect(after.body).toMatchObject({
      state: 'owned',
      ownerId: ids['alice'],
      seq: before.body.seq,
    });
  });

  it('refuses JSON nested 10,000 deep and a forged list cursor with a 400', async () => {
    const records = await count('records');
    const deep = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/records',
      headers: { authorization: `Bearer ${tokens['alice']}`, 'content-type': 'application/json' },
      payload: `{"data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error.details).toEqual([
      { path: '/body', message: 'nests deeper than 128 levels' },
    ]);
    expect(await count('records')).toBe(records);
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const [sort, forged] of [
      ['updated', cursor(['0', recordId])],
      ['updated', cursor(['+010000-01-01T00:00:00.000Z', recordId])],
      ['score', cursor(['1e999', recordId])],
      ['score', cursor(['1', 'not-a-uuid'])],
      ['score', 'not base64 at all!'],
    ]) {
      const res = await call(
        t.app,
        tokens['alice']!,
        'GET',
        `/api/pools/crm/records?sort=${sort}&cursor=${encodeURIComponent(forged!)}`,
      );
      expect(res.status, forged).toBe(400);
      expect(paths(res.body)).toEqual(['/querystring/cursor']);
    }
    const clock = await t.app.clock.now(t.app.db);
    const days = await t.app.inject({
      method: 'POST',
      url: '/api/clock/advance',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      payload: '{"days": 1e999}',
    });
    expect(days.statusCode).toBe(400);
    expect(paths(days.json())).toEqual(['/body/days']);
    expect(await t.app.clock.now(t.app.db)).toBe(clock);
    const version = await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', {
      policyVersion: 1e308,
    });
    expect(version.status).toBe(400);
    expect(paths(version.body)).toEqual(['/body/policyVersion']);
    const infinite = await call(
      t.app,
      tokens['alice']!,
      'GET',
      '/api/pools/crm/records?limit=1e999',
    );
    expect(infinite.status).toBe(400);
    expect(paths(infinite.body)[0]).toBe('/querystring/limit');
  });
});
