// Import names owners as people type them (username, or display name when only one member has it) and
// says what is wrong with a row in the words of the form: the field's title and the values it allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

/** The CRM template's industries, as its messages list them. */
const INDUSTRIES = 'software, manufacturing, finance, trade, retail, education, other';

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
    // Each row's error in English, and by a code with params for a client's own words.
    expect(report.errors).toEqual([
      {
        line: 5,
        path: '/ownerId',
        message: '2 members of pool crm are called "Li Wei": give the username',
        code: 'owner-ambiguous',
        params: { value: 'Li Wei', count: 2, pool: 'crm' },
      },
      {
        line: 6,
        path: '/ownerId',
        message: '"outsider" is not a member of pool crm (by id, username or name)',
        code: 'not-member',
        params: { user: 'outsider', pool: 'crm' },
      },
      {
        line: 7,
        path: '/ownerId',
        message: '"bob" is not a member of pool crm (by id, username or name)',
        code: 'not-member',
        params: { user: 'bob', pool: 'crm' },
      },
      {
        line: 8,
        path: '/data/industry',
        message: `Industry (industry) must be one of: ${INDUSTRIES}`,
        code: 'schema',
        // The values the message lists, as a list.
        params: { keyword: 'enum', allowedValues: INDUSTRIES.split(', ') },
      },
      {
        line: 9,
        path: '/data/level',
        message: 'Level (level) must be one of: A, B, C',
        code: 'schema',
        params: { keyword: 'enum', allowedValues: ['A', 'B', 'C'] },
      },
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
      {
        path: '/body/data/name',
        message: 'Name (name) is required',
        code: 'schema',
        params: { keyword: 'required', missingProperty: 'name' },
      },
    ]);
  });

  const importBody = (contentType: string, payload: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/pools/crm/import',
      headers: { authorization: `Bearer ${tokens['boss']}`, 'content-type': contentType },
      payload,
    });

  it('gives each refused CSV row a code and params: cell count, unnamed column, NUL, several fields', async () => {
    const csv = [
      'name,industry,level,',
      'Short,trade',
      'Extra value,trade,A,surprise',
      'Nul\u0000name,trade,A,',
      'Two wrong,spaceships,Z,',
    ].join('\n');
    const res = await importBody('text/csv', `${csv}\n`);
    expect(res.statusCode).toBe(200);
    const { errors } = res.json<{ errors: Record<string, unknown>[] }>();
    expect(errors.map(({ line, path, code, params }) => ({ line, path, code, params }))).toEqual([
      { line: 2, path: '', code: 'cell-count', params: { cells: 2, columns: 4 } },
      { line: 3, path: '', code: 'unnamed-column', params: { column: 4 } },
      { line: 4, path: '/data/name', code: 'nul-character', params: {} },
      {
        line: 5,
        path: '/data/industry',
        code: 'schema',
        params: expect.objectContaining({ keyword: 'enum' }) as unknown,
      },
    ]);
    expect(errors[0]?.['message']).toBe('has 2 cells, the header has 4');
    // A row wrong in two fields: each of them with its code and params, the row's message names both.
    expect(errors[3]?.['message']).toBe(
      `Industry (industry) must be one of: ${INDUSTRIES}; Level (level) must be one of: A, B, C`,
    );
    expect(errors[3]?.['details']).toEqual([
      expect.objectContaining({ path: '/data/industry', code: 'schema' }),
      {
        path: '/data/level',
        message: 'Level (level) must be one of: A, B, C',
        code: 'schema',
        params: { keyword: 'enum', allowedValues: ['A', 'B', 'C'] },
      },
    ]);
  });

  it('names a wrong field and a wrong owner of one row together, and writes neither row', async () => {
    const csv = [
      'name,industry,level,ownerId',
      'Bad level and stranger,trade,Z,nobody',
      'Two fields and Li Wei,spaceships,Z,Li Wei',
    ].join('\n');
    const before = await t.app.db('records').where({ pool_key: 'crm' }).count({ n: '*' });
    const res = await importBody('text/csv', `${csv}\n`);
    expect(res.statusCode).toBe(200);
    const report = res.json<{
      imported: number;
      failed: number;
      errors: Record<string, unknown>[];
    }>();
    expect([report.imported, report.failed]).toEqual([0, 2]);
    const [first, second] = report.errors;
    // The row's own problem is its first field's; the owner's comes after, in the message and details.
    expect(first).toMatchObject({ line: 2, path: '/data/level', code: 'schema' });
    expect(first?.['message']).toBe(
      'Level (level) must be one of: A, B, C; "nobody" is not a member of pool crm (by id, username or name)',
    );
    expect(first?.['details']).toEqual([
      {
        path: '/data/level',
        message: 'Level (level) must be one of: A, B, C',
        code: 'schema',
        params: { keyword: 'enum', allowedValues: ['A', 'B', 'C'] },
      },
      {
        path: '/ownerId',
        message: '"nobody" is not a member of pool crm (by id, username or name)',
        code: 'not-member',
        params: { user: 'nobody', pool: 'crm' },
      },
    ]);
    expect(
      (second?.['details'] as { path: string; code: string }[]).map((d) => [d.path, d.code]),
    ).toEqual([
      ['/data/industry', 'schema'],
      ['/data/level', 'schema'],
      ['/ownerId', 'owner-ambiguous'],
    ]);
    expect(await t.app.db('records').where({ pool_key: 'crm' }).count({ n: '*' })).toEqual(before);
  });

  it('gives each refused NDJSON row a code and params: bad JSON, not an object, no data, owner types', async () => {
    const lines = [
      '{"data":{"name":"Fine","industry":"trade"}}',
      '{"data":{"name":"Broken"',
      '[1,2]',
      '{"ownerId":null}',
      '{"data":{"name":"Owner number","industry":"trade"},"ownerId":7}',
      `{"data":{"name":"Disabled owner","industry":"trade"},"ownerId":"${ids['zhang']}"}`,
    ];
    await t.app.db('users').where({ id: ids['zhang'] }).update({ disabled_at: new Date() });
    const res = await importBody('application/x-ndjson', `${lines.join('\n')}\n`);
    await t.app.db('users').where({ id: ids['zhang'] }).update({ disabled_at: null });
    expect(res.statusCode).toBe(200);
    const report = res.json<{ imported: number; errors: Record<string, unknown>[] }>();
    expect(report.imported).toBe(1);
    expect(
      report.errors.map(({ line, path, code, params }) => ({ line, path, code, params })),
    ).toEqual([
      {
        line: 2,
        path: '',
        code: 'not-json',
        params: { reason: expect.any(String) as unknown },
      },
      { line: 3, path: '', code: 'not-object', params: {} },
      { line: 4, path: '/data', code: 'data-required', params: {} },
      {
        line: 5,
        path: '/ownerId',
        code: 'schema',
        params: { keyword: 'type', type: ['string', 'null'] },
      },
      { line: 6, path: '/ownerId', code: 'user-disabled', params: { user: ids['zhang'] } },
    ]);
    // The English messages are as they were.
    expect(report.errors.map((e) => e['message'])).toEqual([
      expect.stringMatching(/^is not JSON: /) as unknown,
      'is not JSON: not an object',
      'is required (an object)',
      'must be a string or null',
      `user ${ids['zhang']} is disabled: records go to enabled users only`,
    ]);
  });
});
