// migrateSnapshot: a running record moved to a newer policy version, its state mapped and timers re-armed.
import { describe, expect, it } from 'vitest';
import {
  compile,
  EngineError,
  mapState,
  migrateSnapshot,
  start,
  step,
  type Policy,
  type PoolSnapshot,
} from '../src/index.js';
import { DAY, T0, template } from './fixtures.js';

const entity = { name: 'ACME Trading', industry: 'trade' };
const alice = { id: 'alice' };
const v1 = compile(template());

function version2(change: (p: Policy) => void = () => undefined) {
  const doc = template();
  doc.version = 2;
  doc.delays = { ...doc.delays, release: { days: 45 } };
  change(doc);
  return compile(doc);
}

/** A record created at T0 and followed up on day 10 (its protection counts from day 10). */
function followedUpOnDay10(): PoolSnapshot {
  const created = start(v1, { entity, now: T0, user: alice });
  return step(
    v1,
    created.snapshot,
    { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'sent a quote' } },
    { entity, now: T0 + 10 * DAY, user: alice },
  ).snapshot;
}

const releaseOf = (s: PoolSnapshot) => Object.values(s.timers).find((t) => t.delay === 'release');

describe('migrateSnapshot', () => {
  it('recompute re-arms the release from the time the record entered its state', () => {
    const before = followedUpOnDay10();
    expect(releaseOf(before)?.dueAt).toBe(T0 + 40 * DAY);
    const v2 = version2();
    const moved = migrateSnapshot(v1, v2, before, { entity, now: T0 + 20 * DAY });
    expect(moved.snapshot.policyVersion).toBe(2);
    expect(moved.snapshot.seq).toBe(before.seq + 1);
    expect(moved.snapshot.value).toBe('owned');
    expect(moved.snapshot.instance).toEqual(before.instance);
    expect(releaseOf(moved.snapshot)?.dueAt).toBe(T0 + 55 * DAY);
    expect(moved.timerChanges).toContainEqual({
      delay: 'release',
      before: T0 + 40 * DAY,
      after: T0 + 55 * DAY,
    });
    expect(moved.effects).toEqual([]);
    // The new snapshot is one v2 steps on: nothing happens on day 41, the release fires on day 55.
    const key = Object.keys(moved.snapshot.timers).find((k) => k.includes('.release.'))!;
    const early = step(
      v2,
      moved.snapshot,
      { type: key, timerKey: key, dueAt: T0 + 40 * DAY },
      { entity, now: T0 + 41 * DAY },
    );
    expect(early.stale).toBe(true);
    const due = step(
      v2,
      moved.snapshot,
      { type: key, timerKey: key, dueAt: T0 + 55 * DAY },
      { entity, now: T0 + 55 * DAY },
    );
    expect(due.snapshot.value).toBe('pool');
  });

  it('sends no reminder or escalation a shortened release makes overdue with it: the record leaves at once', () => {
    // v2 releases after 10 days: a record followed up on day 10 is due for release on day 20, its
    // reminder on day 13 and its escalation on day 17. Rolled out on day 25, all three are overdue.
    const shorter = version2((doc) => {
      doc.delays = { ...doc.delays, release: { days: 10 } };
    });
    const delays = (s: PoolSnapshot) =>
      Object.fromEntries(Object.values(s.timers).map((t) => [t.delay, t.dueAt]));
    const late = migrateSnapshot(v1, shorter, followedUpOnDay10(), {
      entity,
      now: T0 + 25 * DAY,
    });
    // The owner was told "goes to the public pool in 7 days" as the release fired in the same sweep.
    expect(delays(late.snapshot)).toEqual({ release: T0 + 20 * DAY });
    expect(late.timerChanges).toEqual(
      expect.arrayContaining([
        { delay: 'remind', before: T0 + 33 * DAY, after: null },
        { delay: 'escalate', before: T0 + 37 * DAY, after: null },
      ]),
    );
    // On day 14 only the reminder is overdue: the record stays 6 more days, so it is sent at once.
    const early = migrateSnapshot(v1, shorter, followedUpOnDay10(), {
      entity,
      now: T0 + 14 * DAY,
    });
    expect(delays(early.snapshot)).toEqual({
      remind: T0 + 13 * DAY,
      escalate: T0 + 17 * DAY,
      release: T0 + 20 * DAY,
    });
    // A timer that changes the record (a tag here) still fires before the release.
    const tagging = version2((doc) => {
      doc.delays = { ...doc.delays, release: { days: 10 } };
      const after = (doc.machine.states['owned'] as { after: Record<string, unknown> }).after;
      after['escalate'] = { actions: [{ type: 'tag', params: { add: 'escalated' } }] };
    });
    const tagged = migrateSnapshot(v1, tagging, followedUpOnDay10(), {
      entity,
      now: T0 + 25 * DAY,
    });
    expect(delays(tagged.snapshot)).toEqual({
      escalate: T0 + 17 * DAY,
      release: T0 + 20 * DAY,
    });
  });

  it('keep leaves the due time of a timer the new state still has', () => {
    const moved = migrateSnapshot(v1, version2(), followedUpOnDay10(), {
      entity,
      now: T0 + 20 * DAY,
      timers: 'keep',
    });
    expect(releaseOf(moved.snapshot)?.dueAt).toBe(T0 + 40 * DAY);
    expect(moved.timerChanges).toContainEqual({
      delay: 'release',
      before: T0 + 40 * DAY,
      after: T0 + 40 * DAY,
    });
  });

  it('does not re-arm a timer the old state already fired when its new due time has passed', () => {
    const before = followedUpOnDay10();
    const remindKey = Object.keys(before.timers).find((k) => k.includes('.remind.'))!;
    const reminded = step(
      v1,
      before,
      { type: remindKey, timerKey: remindKey, dueAt: before.timers[remindKey].dueAt },
      { entity, now: T0 + 33 * DAY },
    ).snapshot;
    expect(Object.values(reminded.timers).map((t) => t.delay)).toEqual(['escalate', 'release']);
    // v2 reminds 20 days after entry (day 30, passed on day 35): it fired on day 33 and is not sent again.
    const v2 = version2((doc) => (doc.delays!['remind'] = { days: 20 }));
    const moved = migrateSnapshot(v1, v2, reminded, { entity, now: T0 + 35 * DAY });
    expect(Object.values(moved.snapshot.timers).map((t) => t.delay)).toEqual([
      'escalate',
      'release',
    ]);
    // A new timer whose time has passed is armed in the past: it falls due at once.
    const v3 = version2((doc) => {
      doc.version = 3;
      doc.delays!['overdue'] = { days: 12 };
      doc.machine.states['owned'].after = {
        ...doc.machine.states['owned'].after,
        overdue: { target: 'pool', guard: 'isHard' }, // guarded: the reminder can still fire
      };
    });
    const added = migrateSnapshot(v1, v3, reminded, { entity, now: T0 + 35 * DAY });
    const overdue = Object.values(added.snapshot.timers).find((t) => t.delay === 'overdue');
    expect(overdue?.dueAt).toBe(T0 + 22 * DAY);
    expect(added.timerChanges).toContainEqual({
      delay: 'overdue',
      before: null,
      after: T0 + 22 * DAY,
    });
  });

  it('maps states by name or by stateMap, and refuses what would break a record', () => {
    const v2 = version2((doc) => {
      const states = doc.machine.states;
      states['followUp'] = states['owned']!;
      delete states['owned'];
      doc.machine.initial = 'followUp';
      for (const node of Object.values(states))
        for (const [event, t] of Object.entries(node.on ?? {}))
          node.on![event] = JSON.parse(JSON.stringify(t).replaceAll('"owned"', '"followUp"'));
    });
    expect(mapState(v1, v2, 'owned')).toMatchObject({ problem: { code: 'state-removed' } });
    expect(mapState(v1, v2, 'owned', { owned: 'nowhere' })).toMatchObject({
      problem: { code: 'state-invalid' },
    });
    expect(mapState(v1, v2, 'owned', { owned: 'won' })).toMatchObject({
      problem: { code: 'state-invalid' },
    });
    expect(mapState(v1, v2, 'owned', { owned: 'pool' })).toMatchObject({
      problem: { code: 'state-invalid' },
    });
    expect(mapState(v1, v2, 'pool')).toEqual({ toState: 'pool' });
    expect(() => migrateSnapshot(v1, v2, followedUpOnDay10(), { entity, now: T0 })).toThrow(
      EngineError,
    );
    const moved = migrateSnapshot(v1, v2, followedUpOnDay10(), {
      entity,
      now: T0 + 20 * DAY,
      stateMap: { owned: 'followUp' },
    });
    expect(moved.fromState).toBe('owned');
    expect(moved.snapshot.value).toBe('followUp');
    expect(Object.keys(moved.snapshot.timers)).toContain('xstate.after.release.crm.followUp');
    expect(releaseOf(moved.snapshot)?.dueAt).toBe(T0 + 55 * DAY);
  });

  it('recomputes the score under the new score rule', () => {
    const v2 = version2((doc) => (doc.score = 42));
    const moved = migrateSnapshot(v1, v2, followedUpOnDay10(), { entity, now: T0 + 20 * DAY });
    expect(moved.record.score).toBe(42);
  });
});
