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
    const edited = edit(crm, owned.snapshot, urgent, { now: T0 + DAY, previous: entity });
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
    expect(edited.movedTimers).toEqual([]);
  });

  // A key account (level A) is kept 60 days without a follow-up, others 30; the reminders count back
  // from the release.
  const byLevel = (() => {
    const policy = template();
    policy.delays = {
      ...policy.delays,
      release: { days: { if: [{ '==': [{ var: 'entity.level' }, 'A'] }, 60, 30] } },
    };
    return compile(policy);
  })();
  const dueOf = (snapshot: { timers: Record<string, { delay: string; dueAt: number }> }) =>
    Object.fromEntries(Object.values(snapshot.timers).map((t) => [t.delay, t.dueAt]));

  it('moves the timers whose delays read a field it changed, counted from when the state was entered', () => {
    const owned = start(byLevel, { entity, now: T0, ownerId: 'alice', recordId: 'r1' });
    expect(dueOf(owned.snapshot)).toEqual({
      remind: T0 + 23 * DAY,
      escalate: T0 + 27 * DAY,
      release: T0 + 30 * DAY,
    });
    const keyAccount = { ...entity, level: 'A' };
    const edited = edit(byLevel, owned.snapshot, keyAccount, {
      now: T0 + 5 * DAY,
      previous: entity,
      recordId: 'r1',
    });
    // From the claim at T0, not from the edit: an edit is still no activity.
    expect(dueOf(edited.snapshot)).toEqual({
      remind: T0 + 53 * DAY,
      escalate: T0 + 57 * DAY,
      release: T0 + 60 * DAY,
    });
    expect(edited.movedTimers).toEqual([
      { delay: 'remind', before: T0 + 23 * DAY, after: T0 + 53 * DAY },
      { delay: 'escalate', before: T0 + 27 * DAY, after: T0 + 57 * DAY },
      { delay: 'release', before: T0 + 30 * DAY, after: T0 + 60 * DAY },
    ]);
    expect(edited.effects.map((e) => [e.type, (e as { dueAt?: number }).dueAt, e.key])).toEqual([
      ['schedule', T0 + 53 * DAY, 'r1:2:0'],
      ['schedule', T0 + 57 * DAY, 'r1:2:1'],
      ['schedule', T0 + 60 * DAY, 'r1:2:2'],
    ]);
    expect(edited.snapshot.instance).toEqual(owned.snapshot.instance);
    // A field no delay reads moves nothing.
    const phoned = edit(
      byLevel,
      edited.snapshot,
      { ...keyAccount, phone: '13900000000' },
      {
        now: T0 + 6 * DAY,
        previous: keyAccount,
      },
    );
    expect(phoned.snapshot.timers).toEqual(edited.snapshot.timers);
    expect(phoned.movedTimers).toEqual([]);
  });

  it('counts from the last follow-up, leaves fired timers fired, and moves a timer into the past', () => {
    const keyAccount = { ...entity, level: 'A' };
    const owned = start(byLevel, { entity: keyAccount, now: T0, ownerId: 'alice', recordId: 'r1' });
    const followed = step(
      byLevel,
      owned.snapshot,
      { type: 'FOLLOW_UP', payload: { note: 'called about the renewal', channel: 'call' } },
      {
        entity: keyAccount,
        now: T0 + 10 * DAY,
        recordId: 'r1',
        user: { id: 'alice', roles: ['member'] },
      },
    );
    expect(dueOf(followed.snapshot)['release']).toBe(T0 + 70 * DAY);
    // The reminder fires at day 63; on day 64 the customer is no key account any more.
    const remindKey = Object.keys(followed.snapshot.timers).find((k) => k.includes('remind'))!;
    const reminded = step(
      byLevel,
      followed.snapshot,
      { type: remindKey, timerKey: remindKey, dueAt: T0 + 63 * DAY },
      { entity: keyAccount, now: T0 + 63 * DAY, recordId: 'r1' },
    );
    const edited = edit(byLevel, reminded.snapshot, entity, {
      now: T0 + 64 * DAY,
      previous: keyAccount,
    });
    // 30 days from the follow-up on day 10: day 40, past already, so the next sweep releases it.
    expect(dueOf(edited.snapshot)).toEqual({ escalate: T0 + 37 * DAY, release: T0 + 40 * DAY });
    expect(edited.movedTimers.map((m) => m.delay)).toEqual(['escalate', 'release']);
  });
});
