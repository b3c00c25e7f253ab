import { describe, expect, it } from 'vitest';
import { compile, move, start, step } from '../src/index.js';
import { DAY, T0, template } from './fixtures.js';

const crm = compile(template());
const entity = { name: 'ACME Trading', industry: 'trade', phone: '13800000000' };

describe('move', () => {
  it('moves a record to another pool as a step: seq advances, its lifecycle stays as it was', () => {
    const owned = start(crm, { entity, now: T0, ownerId: 'alice', recordId: 'r1' });
    const moved = move(crm, owned.snapshot, 'seniors', { entity, now: T0 + DAY, recordId: 'r1' });
    expect(moved.snapshot.seq).toBe(owned.snapshot.seq + 1);
    expect(moved.snapshot.value).toBe(owned.snapshot.value);
    expect(moved.snapshot.timers).toEqual(owned.snapshot.timers);
    expect(moved.record.ownerId).toBe('alice');
    expect(moved.effects).toEqual([{ type: 'moveToPool', pool: 'seniors', key: 'r1:2:0' }]);
    // The release timer armed before the move still fires at its time after it.
    const [timerKey, timer] = Object.entries(moved.snapshot.timers).find(([k]) =>
      k.includes('release'),
    )!;
    const released = step(
      crm,
      moved.snapshot,
      { type: timerKey, timerKey, dueAt: timer.dueAt },
      {
        entity,
        now: timer.dueAt,
        recordId: 'r1',
      },
    );
    expect(released.record.pooled).toBe(true);
    expect(released.snapshot.seq).toBe(3);
  });
});
