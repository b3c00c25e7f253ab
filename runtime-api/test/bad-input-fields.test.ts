// Wrong field types and unknown fields get a 400 naming each field; nothing is written.
import { describe, expect, it } from 'vitest';
import { badInputApp, paths } from './bad-input-helpers.js';
import { backends, call, login } from './helpers.js';

describe.each(backends)('bad input (%s)', (backend) => {
  const setup = badInputApp(backend);

  it('names fields of the wrong type', async () => {
    const { t, tokens, count } = setup;
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
    const { t, tokens, ids, recordId, count } = setup;
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
    const { t, tokens, count } = setup;
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
});
