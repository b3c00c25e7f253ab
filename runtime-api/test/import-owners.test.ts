// Import names owners as people type them (username, or display name when only one member has it) and
// says what is wrong with a row in the words of the form: the field's title and the values it allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('import owners and messages (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, rep: {} }));
    for (const [username, displayName] of [
      ['zhang', 'Zhang San'],
      ['liwei1', 'Li Wei'],
      ['liwei2', 'Li Wei'],
      ['outsider', 'Out Sider'],
    ] as const) {
      const user = await t.app.auth.createUser({
        username,
        password: `${username}-password-123`,
        displayName,
        roles: ['member'],
      });
      ids[username] = user.id;
      if (username !== 'outsider')
        expect(
          (await call(t.app, t.adminToken, 'POST', '/api/pools/crm/members', { userId: user.id }))
            .status,
        ).toBe(200);
    }
  });
  afterAll(() => t.close());

  it('takes usernames and unique display names for owners, and names what is wrong with a row', async () => {
    const csv = [
      'name,industry,level,ownerId',
      'By id,trade,A,' + ids['rep'],
      'By username,trade,A,REP',
      'By display name,trade,B,zhang san',
      'Ambiguous,trade,B,Li Wei',
      'Not a member,trade,B,outsider',
      'Unknown,trade,B,bob',
      'Bad choice,spaceships,A,',
      'Bad level,trade,Z,',
    ].join('\n');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: { authorization: `Bearer ${tokens['boss']}`, 'content-type': 'text/csv' },
      payload: `${csv}\n`,
    });
    expect(res.statusCode).toBe(200);
    const report = res.json<{
      imported: number;
      errors: { line: number; path: string; message: string }[];
    }>();
    expect(report.imported).toBe(3);
    expect(report.errors).toEqual([
      {
        line: 5,
        path: '/ownerId',
        message: '2 members of pool crm are called "Li Wei": give the username',
      },
      {
        line: 6,
        path: '/ownerId',
        message: '"outsider" is not a member of pool crm (by id, username or name)',
      },
      {
        line: 7,
        path: '/ownerId',
        message: '"bob" is not a member of pool crm (by id, username or name)',
      },
      {
        line: 8,
        path: '/data/industry',
        message:
          'Industry (industry) must be one of: software, manufacturing, finance, trade, retail, education, other',
      },
      { line: 9, path: '/data/level', message: 'Level (level) must be one of: A, B, C' },
    ]);
    const owners = Object.fromEntries(
      (await t.app.db('records').where({ pool_key: 'crm' }).select('data', 'owner_id')).map((r) => [
        (r.data as { name: string }).name,
        r.owner_id,
      ]),
    );
    expect(owners).toEqual({
      'By id': ids['rep'],
      'By username': ids['rep'],
      'By display name': ids['zhang'],
    });
  });

  it('names a missing field by its title when a record is created', async () => {
    const res = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/records', {
      data: { industry: 'trade' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: '/body/data/name', message: 'Name (name) is required' },
    ]);
  });
});
