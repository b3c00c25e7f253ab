// Unique fields (查重) added by a new version: the pool's upgrade gives each record its keys, reports the
// records whose value another record already had (they move, not refused: the data is what it is), and
// from then on a create or edit of a value any of them has is refused. A version without them frees all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Upgrade } from '../src/api.types.js';
import { backends, build, call, crmPool, template, type TestApp } from './helpers.js';

describe.each(backends)('unique fields by upgrade (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  /** The version without unique fields the pool starts on. */
  let plain = 0;
  const admin = () => t.adminToken;
  const advance = async (days: number) => {
    const res = await call(t.app, admin(), 'POST', '/api/clock/advance', { days });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const create = (name: string, ownerId: string | null = ids['alice']!) =>
    call(t.app, tokens['alice']!, 'POST', '/api/pools/crm/records', { data: { name }, ownerId });
  const publish = async (uniqueFields: string[] | undefined) => {
    const doc = template('crm-customer-pool');
    // The template checks names and phones: each version here says its own (none, or these).
    const entity = { ...(doc['entity'] as Record<string, unknown>) };
    delete entity['uniqueFields'];
    doc['entity'] = uniqueFields ? { ...entity, uniqueFields } : entity;
    const draft = await call(t.app, admin(), 'PUT', '/api/policies/crm-customer-pool/draft', {
      document: doc,
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    const res = await call(t.app, admin(), 'POST', '/api/policies/crm-customer-pool/publish', {
      message: uniqueFields ? 'names unique' : 'names free',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.version as number;
  };
  /** Rolls the pool out to `toVersion`; its dry run first, which must foresee the duplicates found. */
  const upgradeTo = async (toVersion: number) => {
    const dry = await call(t.app, admin(), 'POST', '/api/pools/crm/upgrade', {
      toVersion,
      dryRun: true,
    });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    const res = await call(t.app, admin(), 'POST', '/api/pools/crm/upgrade', { toVersion });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await advance(0.01);
    const view = await call(t.app, admin(), 'GET', `/api/pools/crm/upgrades/${res.body.id}`);
    expect(view.body.status).toBe('done');
    expect(dry.body.duplicates).toBe(view.body.duplicates);
    return view.body as Upgrade;
  };

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, boss: { roles: ['manager'] } }));
    // The pool starts on a version that checks no duplicates (the template as shipped does): "v1" below.
    plain = await publish(undefined);
    await upgradeTo(plain);
  });
  afterAll(() => t.close());

  it('keys every moved record, counts the duplicates it found, and refuses new ones after', async () => {
    // On v1 nothing is unique: the same customer three times, one of them in the pool.
    const twice: string[] = [];
    const nameOf = new Map<string, string>();
    for (const [name, owner] of [
      ['Twice Ltd', ids['alice']],
      ['TWICE  ltd', null],
      ['twice ltd', ids['alice']],
      ['Once Ltd', ids['alice']],
    ] as const) {
      const created = await create(name, owner);
      expect(created.status).toBe(201);
      if (name !== 'Once Ltd') twice.push(created.body.id as string);
      nameOf.set(created.body.id as string, name);
    }
    // A customer won under v1 stays on v1 (final), and is still one customer.
    const won = await create('Won Forever Ltd');
    const win = await call(
      t.app,
      tokens['alice']!,
      'POST',
      `/api/pools/crm/records/${won.body.id}/events`,
      {
        type: 'WIN',
        payload: {},
      },
    );
    expect(win.status, JSON.stringify(win.body)).toBe(200);
    const v2 = await publish(['name']);
    const view = await upgradeTo(v2);
    // Four moved; two of them share a value an earlier record holds.
    expect(view).toMatchObject({ done: 4, failed: 0, duplicates: 2 });
    // Which ones, and the record that keeps the name: one of the three, the other two listed.
    const listed = view.duplicateRecords ?? [];
    expect(listed).toHaveLength(2);
    const keeper = twice.find((id) => !listed.some((d) => d.recordId === id));
    expect(keeper).toBeDefined();
    for (const d of listed)
      expect(d).toEqual({
        recordId: expect.any(String),
        field: 'name',
        value: nameOf.get(d.recordId), // as the record has it, not as compared
        heldBy: keeper,
        heldByPool: 'crm',
      });
    expect(listed.map((d) => d.recordId).sort()).toEqual(
      twice.filter((id) => id !== keeper).sort(),
    );
    const stayed = await call(t.app, admin(), 'GET', `/api/pools/crm/records/${won.body.id}`);
    expect(stayed.body).toMatchObject({ policyVersion: plain, state: 'won' });
    expect((await create('WON forever ltd')).status).toBe(409);
    // Renamed, the won customer holds its new name and frees the old one.
    const renamed = await call(
      t.app,
      tokens['alice']!,
      'PATCH',
      `/api/pools/crm/records/${won.body.id}`,
      {
        data: { name: 'Won Renamed Ltd' },
      },
    );
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await create('won renamed ltd')).status).toBe(409);
    expect((await create('Won Forever Ltd')).status).toBe(201);
    expect((await create('once ltd')).status).toBe(409);
    const again = await create('Twice Ltd');
    expect(again.status).toBe(409);
    expect(again.body.error.details[0]).toMatchObject({
      code: 'duplicate',
      params: { field: 'name' },
    });
    expect((await create('Thrice Ltd')).status).toBe(201);
  });

  it('frees every value when a version keeps no unique fields', async () => {
    const v3 = await publish(undefined);
    expect(await upgradeTo(v3)).toMatchObject({ failed: 0, duplicates: 0 });
    const left = await t.app.db('record_keys').count({ n: '*' }).first();
    expect(Number((left as { n: unknown }).n)).toBe(0);
    expect((await create('Once Ltd')).status).toBe(201);
  });

  it('gives a value to the customer won before one added again, though added after it', async () => {
    // On v3 names are free: a rep adds a customer, then a colleague's won deal is the same one.
    const again = await create('Keep Ltd');
    const kept = await create('KEEP ltd');
    for (const res of [again, kept]) expect(res.status).toBe(201);
    const win = await call(
      t.app,
      tokens['alice']!,
      'POST',
      `/api/pools/crm/records/${kept.body.id}/events`,
      { type: 'WIN', payload: {} },
    );
    expect(win.status, JSON.stringify(win.body)).toBe(200);
    // Still there from the first test: Twice Ltd three times, Once Ltd twice.
    const view = await upgradeTo(await publish(['name']));
    expect(view).toMatchObject({ failed: 0, duplicates: 4 });
    // The won record is keyed as the upgrade starts, before the records it moves: it keeps the name.
    expect(view.duplicateRecords).toContainEqual({
      recordId: again.body.id,
      field: 'name',
      value: 'Keep Ltd',
      heldBy: kept.body.id,
      heldByPool: 'crm',
    });
  });

  it('keeps the keys an upgrade to the same fields finds held, and lists the records without them again', async () => {
    const keys = async () =>
      await t.app
        .db('record_keys')
        .orderBy(['record_id', 'field'])
        .select('record_id', 'field', 'value');
    const before = await keys();
    expect(before.length).toBeGreaterThan(0);
    // The same fields again: no key moves, and the four records that share a name without holding it
    // (two Twice Ltd, one Once Ltd, Keep Ltd) are the upgrade's duplicates again, named as before.
    const view = await upgradeTo(await publish(['name']));
    expect(view).toMatchObject({ failed: 0, duplicates: 4 });
    expect(view.duplicateRecords?.map((d) => d.value).sort()).toEqual([
      'Keep Ltd',
      'Once Ltd',
      'TWICE  ltd',
      'twice ltd',
    ]);
    expect(await keys()).toEqual(before);
    expect((await create('keep LTD')).status).toBe(409);
  });
});
