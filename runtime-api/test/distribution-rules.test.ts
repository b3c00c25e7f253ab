// Push distribution checks members as a claim would (the policy's limits, its last owner), leaves a record
// pooled when nobody fits, and never hands out a record twice when two runs overlap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, login, type TestApp } from './helpers.js';

/** pool --ASSIGN--> kept; a kept record may be reassigned (as the CRM template's owned state) or released. */
const keptPolicy = {
  id: 'kept-pool',
  version: 1,
  name: { en: 'Kept pool' },
  entity: { schema: { type: 'object', properties: { name: { type: 'string' } } } },
  events: { RELEASE: {} },
  claim: { maxOwned: 1 },
  machine: {
    id: 'kept',
    initial: 'kept',
    states: {
      pool: { meta: { pooled: true }, on: { CLAIM: 'kept', ASSIGN: 'kept' } },
      kept: { on: { ASSIGN: { target: 'kept', reenter: true }, RELEASE: 'pool' } },
    },
  },
};

/** Locked records (scored first) may go to nobody: only unlocked ones are eligible. */
const lockedPolicy = {
  ...keptPolicy,
  id: 'locked-pool',
  entity: {
    schema: {
      type: 'object',
      properties: { name: { type: 'string' }, locked: { type: 'boolean' } },
    },
  },
  score: { if: [{ var: 'entity.locked' }, 10, 0] },
  claim: { eligible: { '!': { var: 'entity.locked' } } },
};

describe.each(backends)('distribution rules (%s)', (backend) => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await build(backend);
    for (const name of ['boss', 'amy', 'ben', 'cat']) {
      const user = await t.app.auth.createUser({
        username: name,
        password: `${name}-password-1`,
        roles: [name === 'boss' ? 'manager' : 'member'],
      });
      ids[name] = user.id;
      tokens[name] = await login(t.app, name, `${name}-password-1`);
    }
    const policy = await call(t.app, t.adminToken, 'POST', '/api/policies', {
      document: keptPolicy,
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    await call(t.app, t.adminToken, 'POST', '/api/policies/kept-pool/publish', {});
    const locked = await call(t.app, t.adminToken, 'POST', '/api/policies', {
      document: lockedPolicy,
    });
    expect(locked.status, JSON.stringify(locked.body)).toBe(201);
    await call(t.app, t.adminToken, 'POST', '/api/policies/locked-pool/publish', {});
    for (const [key, members, policyId] of [
      ['limits', ['boss', 'amy', 'ben'], 'kept-pool'],
      ['race', ['boss', 'amy', 'ben', 'cat'], 'kept-pool'],
      ['locked', ['boss', 'amy'], 'locked-pool'],
    ] as const) {
      const pool = await call(t.app, t.adminToken, 'POST', '/api/pools', {
        key,
        name: { en: key },
        policyId,
        members: members.map((m) => ({
          userId: ids[m],
          ...(m === 'boss' ? { role: 'admin' } : {}),
        })),
      });
      expect(pool.status, JSON.stringify(pool.body)).toBe(201);
      await call(t.app, t.adminToken, 'PATCH', `/api/pools/${key}`, {
        distribution: 'roundRobin',
      });
    }
  });
  afterAll(() => t.close());

  const create = async (pool: string, name: string, ownerId: string | null) =>
    (await call(t.app, tokens['boss']!, 'POST', `/api/pools/${pool}/records`, {
      data: { name },
      ownerId,
    })) as { status: number; body: { id: string } };
  const owner = async (pool: string, id: string) =>
    (await call(t.app, tokens['boss']!, 'GET', `/api/pools/${pool}/records/${id}`)).body.ownerId as
      string | null;

  it('passes over a member at the owned limit and the last owner; nobody fitting leaves it pooled', async () => {
    // Amy owns one record (the policy's maxOwned); ben releases the record to distribute.
    expect((await create('limits', 'Amy Co', ids['amy']!)).status).toBe(201);
    const { body } = await create('limits', 'Ben Co', ids['ben']!);
    const released = await call(
      t.app,
      tokens['ben']!,
      'POST',
      `/api/pools/limits/records/${body.id}/events`,
      { type: 'RELEASE' },
    );
    expect(released.body.state).toBe('pool');
    const run = await call(t.app, tokens['boss']!, 'POST', '/api/pools/limits/distribute');
    expect(run.body.assigned).toBe(0);
    expect(await owner('limits', body.id)).toBeNull();

    // Amy releases hers: she is under the limit again and gets ben's record (ben's own goes to nobody).
    const amys = (await call(t.app, tokens['amy']!, 'GET', '/api/pools/limits/records?view=mine'))
      .body.items[0].id as string;
    await call(t.app, tokens['amy']!, 'POST', `/api/pools/limits/records/${amys}/events`, {
      type: 'RELEASE',
    });
    const again = await call(t.app, tokens['boss']!, 'POST', '/api/pools/limits/distribute');
    expect(again.body.assigned).toBe(2);
    expect(await owner('limits', body.id)).toBe(ids['amy']);
    expect(await owner('limits', amys)).toBe(ids['ben']);
  });

  it('assigns each record once when two distribution runs overlap', async () => {
    const created: string[] = [];
    for (let i = 0; i < 3; i++) created.push((await create('race', `Race ${i}`, null)).body.id);
    const runs = await Promise.all([
      call(t.app, tokens['boss']!, 'POST', '/api/pools/race/distribute'),
      call(t.app, tokens['boss']!, 'POST', '/api/pools/race/distribute'),
    ]);
    expect(runs.map((r) => r.status)).toEqual([200, 200]);
    expect(runs[0]!.body.assigned + runs[1]!.body.assigned).toBe(3);
    for (const id of created) {
      const history = await call(
        t.app,
        tokens['boss']!,
        'GET',
        `/api/pools/race/records/${id}/history`,
      );
      const assigns = history.body.items.filter((h: { event: string }) => h.event === 'ASSIGN');
      expect(assigns, id).toHaveLength(1);
    }
    // Three members with room for one each (maxOwned 1): one record each.
    const owners = await Promise.all(created.map((id) => owner('race', id)));
    expect(new Set(owners).size).toBe(3);
  });

  it('goes on past records nobody can take: a run looks at one page, the next run at the next', async () => {
    const stuck: string[] = [];
    for (let i = 0; i < 2; i++)
      stuck.push(
        (
          await call(t.app, tokens['boss']!, 'POST', '/api/pools/locked/records', {
            data: { name: `Locked ${i}`, locked: true },
            ownerId: null,
          })
        ).body.id as string,
      );
    const open = (await create('locked', 'Open Co', null)).body.id;
    // Pages of two: the two locked records come first (higher score) and fill the first page.
    expect(await t.app.distributor.distribute({ pool: 'locked', limit: 2 })).toBe(0);
    expect(await t.app.distributor.distribute({ pool: 'locked', limit: 2 })).toBe(1);
    expect(await owner('locked', open)).toBe(ids['amy']);
    for (const id of stuck) expect(await owner('locked', id)).toBeNull();
  });
});
