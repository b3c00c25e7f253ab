// An import row whose start throws something other than an engine error (a module's custom action
// failing on entry) is refused alone as start-failed; the other rows are written. Apart from
// import-refusals.test.ts: a custom action stops the import sharing starts between rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryActionPolicy } from './fixtures/import-refusal-policies.js';
import {
  backends,
  build,
  crmPool,
  customActionForFile,
  publishPool,
  type TestApp,
} from './helpers.js';

// A module's action that looks the account up elsewhere: it throws a plain Error for one it cannot find.
customActionForFile({
  type: 'lookupAccount',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(ctx) {
    if (ctx.entity['account'] === 'missing') throw new Error('no account "missing" in the ledger');
    ctx.instance.tags.push('looked-up');
  },
});

describe.each(backends)('import row whose start fails (%s)', (backend) => {
  let t: TestApp;
  let boss: string;

  beforeAll(async () => {
    t = await build(backend);
    const { tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] } });
    boss = tokens['boss']!;
    await publishPool(t, entryActionPolicy('lookupAccount'), 'lookup', [ids['boss']!]);
  });
  afterAll(() => t.close());

  it('refuses a row whose entry action throws as start-failed, with its line and the error', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/pools/lookup/import',
      headers: { authorization: `Bearer ${boss}`, 'content-type': 'text/csv' },
      payload: 'name,account\nFound,A-1\nLost,missing\nAlso found,A-2\n',
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json()).toMatchObject({ rows: 3, imported: 2, failed: 1 });
    expect(res.json().errors).toEqual([
      {
        line: 3,
        path: '',
        message: 'no account "missing" in the ledger',
        code: 'start-failed',
        params: {},
      },
    ]);
    const written = await t.app.db('records').where({ pool_key: 'lookup' }).select('data', 'tags');
    expect(written.map((r) => [String(r.data['name']), r.tags]).sort()).toEqual([
      ['Also found', ['looked-up']],
      ['Found', ['looked-up']],
    ]);
  });
});
