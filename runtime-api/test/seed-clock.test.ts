// Events stepped on a clock whose SQL names its time (the demo's seed clock) work on every day of the
// seed: the event read is a named prepared statement, and its name must follow its text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processClock } from '../src/services/clock.js';
import { RecordService } from '../src/services/record.service.js';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

const DAY = 86_400_000;

describe.each(backends)('events on a seed clock (%s)', (backend) => {
  let t: TestApp;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ ids } = await crmPool(t, { alice: {} }));
  });
  afterAll(() => t.close());

  it('steps a record on each of several days, as `npm run demo` does on PostgreSQL', async () => {
    let now = (await t.app.clock.now(t.app.db)) + DAY;
    const seedClock = processClock(() => now);
    const records = new RecordService(t.app.db, t.app.policies, seedClock, t.app.metrics);
    const actor = { id: ids['alice']!, roles: ['member'], attributes: {} };
    const { row } = await records.create('crm', { name: 'Seeded Co' }, actor.id, actor);
    for (let day = 0; day < 5; day++) {
      now += DAY;
      await records.send(
        'crm',
        row.id,
        { type: 'FOLLOW_UP', payload: { channel: 'visit', note: `visit on day ${day + 1}` } },
        actor,
      );
    }
    const history = await call(
      t.app,
      t.adminToken,
      'GET',
      `/api/pools/crm/records/${row.id}/history`,
    );
    expect(history.body.items.map((h: { event: string }) => h.event)).toEqual([
      'CREATE',
      ...Array<string>(5).fill('FOLLOW_UP'),
    ]);
  });
});
