// Steps that leave a record's lifecycle as it was: a move to another pool, an edit of its fields.
import { describe, expect, it } from 'vitest';
import { compile, edit, move, start, step } from '../src/index.js';
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

describe('edit', () => {
  it('changes the fields and the score they give, and nothing of the lifecycle, not even the last activity', () => {
    const owned = start(crm, { entity, now: T0, ownerId: 'alice', recordId: 'r1' });
    const urgent = { ...entity, urgency: 5 };
    const edited = edit(crm, owned.snapshot, urgent, { now: T0 + DAY });
    expect(edited.snapshot.seq).toBe(owned.snapshot.seq + 1);
    expect(edited.snapshot.value).toBe('owned');
    expect(edited.snapshot.timers).toEqual(owned.snapshot.timers);
    expect(edited.snapshot.instance).toEqual(owned.snapshot.instance);
    expect(edited.effects).toEqual([]);
    expect(edited.record.entity).toEqual(urgent);
    // The CRM's score counts urgency: the edit's record says the new one.
    expect(edited.record.score).toBeGreaterThan(owned.record.score);
    // Not a follow-up: the customer still goes back to the pool 30 days after the last real activity.
    const release = Object.entries(edited.snapshot.timers).find(([k]) => k.includes('release'))!;
    expect(release[1].dueAt).toBe(T0 + 30 * DAY);
  });
});
