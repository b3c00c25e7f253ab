import { describe, expect, it } from 'vitest';
import { auditDraw, revoke } from '../src/audit.js';
import {
  compile,
  migrateSnapshot,
  simulate,
  start,
  step,
  validate,
  type PoolSnapshot,
} from '../src/index.js';
import type { Policy, Scenario } from '../src/schema.types.js';
import { DAY, T0, template } from './fixtures.js';

const MINUTE = 60_000;
const entity = { name: 'ACME Trading', industry: 'trade' };
const alice = { id: 'alice' };
// The CRM template with a plain follow-up (every one resets protection) and no contact limits.
function plain(): Policy {
  const policy = template();
  delete policy.contact;
  const owned = policy.machine.states['owned'];
  owned.on = { ...owned.on, FOLLOW_UP: { target: 'owned', reenter: true } };
  return policy;
}
const audited = (audit: NonNullable<Policy['audit']>): Policy => ({ ...plain(), audit });
// A note shorter than 10 characters, the same note as last time, or a follow-up within 5 minutes
// of the release reminder: each forces an audit.
const force = {
  or: [
    { '<': [{ length: { var: 'event.payload.note' } }, 10] },
    { '==': [{ var: 'event.payload.note' }, { var: 'instance.lastNote' }] },
    {
      '<': [{ '-': [{ var: 'now' }, { var: 'instance.lastFired.remind' }] }, { '*': [5, 60_000] }],
    },
  ],
};
const crm = compile(audited({ force }));

const followUp = (snapshot: PoolSnapshot, note: string, at: number, recordId = 'r1') =>
  step(
    crm,
    snapshot,
    { type: 'FOLLOW_UP', payload: { channel: 'visit', note } },
    { entity, user: alice, now: at, recordId },
  );
const owned = (recordId = 'r1') => start(crm, { entity, now: T0, ownerId: 'alice', recordId });
const releaseKey = (s: PoolSnapshot) =>
  Object.keys(s.timers).find((k) => s.timers[k]?.delay === 'release') as string;

describe('audit sampling', () => {
  it('draws the same number for the same record and seq, uniformly over many records', () => {
    expect(auditDraw('r1', 2)).toBe(auditDraw('r1', 2));
    expect(auditDraw('r1', 2)).not.toBe(auditDraw('r1', 3));
    const draws = Array.from({ length: 20_000 }, (_, i) => auditDraw(`record-${i}`, 2));
    for (const q of [0.1, 0.5, 0.9]) {
      const share = draws.filter((d) => d < q).length / draws.length;
      expect(Math.abs(share - q)).toBeLessThan(0.015);
    }
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });

  it('samples an event the same way every time, at the policy rate', () => {
    const sampled = compile(audited({ sampleRate: 0.25 }));
    const marks = Array.from({ length: 2_000 }, (_, i) => {
      const id = `rec-${i}`;
      const first = start(sampled, { entity, now: T0, ownerId: 'alice', recordId: id });
      const event = { type: 'FOLLOW_UP', payload: { channel: 'visit', note: 'asked for a quote' } };
      const env = { entity, user: alice, now: T0 + DAY, recordId: id };
      const a = step(sampled, first.snapshot, event, env);
      expect(step(sampled, first.snapshot, event, env).audit).toEqual(a.audit);
      return a.audit?.reason;
    });
    const share = marks.filter((r) => r === 'sample').length / marks.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    // Other events are not audited; a rate of 0 without a force rule audits nothing.
    const none = compile(audited({ sampleRate: 0 }));
    const first = start(none, { entity, now: T0, ownerId: 'alice', recordId: 'x' });
    expect(followUp(first.snapshot, 'asked for a quote', T0).audit).toBeUndefined();
  });
});

describe('audit force rule', () => {
  it('forces a short note, a repeated note and a follow-up right after the reminder', () => {
    const first = followUp(owned().snapshot, 'asked for a quote', T0 + DAY);
    expect(first.audit).toBeUndefined();
    expect(first.snapshot.instance.lastNote).toBe('asked for a quote');
    const short = followUp(first.snapshot, 'ok', T0 + 2 * DAY);
    expect(short.audit?.reason).toBe('force');
    const again = followUp(short.snapshot, 'ok', T0 + 3 * DAY);
    expect(again.audit?.reason).toBe('force');
    const fresh = followUp(again.snapshot, 'sent the revised offer', T0 + 4 * DAY);
    expect(fresh.audit).toBeUndefined();
    // The reminder fires 23 days after the last follow-up; one 3 minutes later is forced, one later not.
    const remindKey = Object.keys(fresh.snapshot.timers).find(
      (k) => fresh.snapshot.timers[k]?.delay === 'remind',
    ) as string;
    const remindAt = fresh.snapshot.timers[remindKey].dueAt;
    const fired = step(
      crm,
      fresh.snapshot,
      { type: remindKey, timerKey: remindKey, dueAt: remindAt },
      { entity, now: remindAt, recordId: 'r1' },
    );
    expect(fired.snapshot.instance.lastFired).toMatchObject({ remind: remindAt });
    const quick = followUp(fired.snapshot, 'called back at once', remindAt + 3 * MINUTE);
    expect(quick.audit?.reason).toBe('force');
    expect(followUp(fired.snapshot, 'called back later', remindAt + 6 * MINUTE).audit).toBe(
      undefined,
    );
  });

  it('is validated like any rule, and audited events must be declared', () => {
    const problems = validate({
      ...audited({ events: ['FOLLOW_UP', 'NOPE'], force: { frobnicate: [1] } }),
    }).problems;
    expect(problems.map((p) => `${p.path} ${p.code}`)).toEqual(
      expect.arrayContaining(['/audit/events/1 unknown-event']),
    );
    expect(problems.some((p) => p.path.startsWith('/audit/force'))).toBe(true);
    expect(validate(audited({ sampleRate: 1.5 })).valid).toBe(false);
    expect(validate(audited({ sampleRate: 0.1, force })).valid).toBe(true);
  });
});

describe('revoke', () => {
  it('puts the timers back to their due times before the fake event', () => {
    const before = owned().snapshot;
    const fake = followUp(before, 'ok', T0 + 10 * DAY);
    const mark = fake.audit!;
    const key = releaseKey(fake.snapshot);
    expect(mark.timersBefore[key].dueAt).toBe(T0 + 30 * DAY);
    expect(mark.timersAfter[key].dueAt).toBe(T0 + 40 * DAY);
    const r = revoke(crm, fake.snapshot, mark, {
      entity,
      now: T0 + 12 * DAY,
      recordId: 'r1',
      rep: 'alice',
    });
    expect(r.revoked).toBe(true);
    expect(r.result.snapshot.seq).toBe(fake.snapshot.seq + 1);
    expect(r.result.snapshot.timers[key].dueAt).toBe(T0 + 30 * DAY);
    expect(r.result.effects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'schedule', timerKey: key, dueAt: T0 + 30 * DAY }),
        expect.objectContaining({ type: 'notify', to: ['alice'], kind: 'auditViolation' }),
      ]),
    );
    const notify = r.result.effects.find((e) => e.type === 'notify') as { message: { en: string } };
    expect(notify.message.en).toContain('ACME Trading');
  });

  it('makes a restored time that has passed due at once', () => {
    const fake = followUp(owned().snapshot, 'ok', T0 + 10 * DAY);
    const now = T0 + 35 * DAY;
    const r = revoke(crm, fake.snapshot, fake.audit!, {
      entity,
      now,
      recordId: 'r1',
      rep: 'alice',
    });
    expect(r.result.snapshot.timers[releaseKey(fake.snapshot)].dueAt).toBe(now);
  });

  it('revokes nothing when a later event replaced the timers', () => {
    const fake = followUp(owned().snapshot, 'ok', T0 + 10 * DAY);
    const later = followUp(fake.snapshot, 'visited the plant', T0 + 11 * DAY);
    const r = revoke(crm, later.snapshot, fake.audit!, {
      entity,
      now: T0 + 12 * DAY,
      recordId: 'r1',
      rep: 'alice',
    });
    expect(r.revoked).toBe(false);
    expect(r.result.snapshot.timers).toEqual(later.snapshot.timers);
    expect(r.result.effects.map((e) => e.type)).toEqual(['notify']);
  });
});

describe('revoke and rollouts', () => {
  // Version 2 releases after 20 days instead of 30; a rollout re-arms timers from the state's entry.
  const v2 = compile({
    ...audited({ force }),
    version: 2,
    delays: { ...plain().delays, release: { days: 20 } },
  });
  const rollOut = (snapshot: PoolSnapshot, now: number) =>
    migrateSnapshot(crm, v2, snapshot, { timers: 'recompute', now, entity, recordId: 'r1' })
      .snapshot;
  const dueOf = (s: PoolSnapshot, delay: string) =>
    Object.values(s.timers).find((t) => t.delay === delay)?.dueAt;

  it('puts the entry time back, so a rollout after the verdict gives no protection back', () => {
    const fake = followUp(owned().snapshot, 'ok', T0 + 10 * DAY);
    expect(fake.audit?.entry).toEqual({ before: T0, after: T0 + 10 * DAY });
    const r = revoke(crm, fake.snapshot, fake.audit!, {
      entity,
      now: T0 + 12 * DAY,
      recordId: 'r1',
      rep: 'alice',
    });
    expect(r.result.snapshot.instance.enteredStateAt).toBe(T0);
    // Re-armed from the entry the verdict put back: 20 days from T0, not from the fake follow-up.
    const rolled = rollOut(r.result.snapshot, T0 + 13 * DAY);
    expect(dueOf(rolled, 'release')).toBe(T0 + 20 * DAY);
    expect(dueOf(rolled, 'escalate')).toBe(T0 + 17 * DAY);
  });

  it('revokes a fake event whose timers a rollout re-armed since, in the new version’s terms', () => {
    const fake = followUp(owned().snapshot, 'ok', T0 + 10 * DAY);
    const rolled = rollOut(fake.snapshot, T0 + 11 * DAY);
    expect(dueOf(rolled, 'release')).toBe(T0 + 30 * DAY);
    const r = revoke(v2, rolled, fake.audit!, {
      entity,
      now: T0 + 12 * DAY,
      recordId: 'r1',
      rep: 'alice',
    });
    expect(r.revoked).toBe(true);
    expect(dueOf(r.result.snapshot, 'release')).toBe(T0 + 20 * DAY);
    expect(dueOf(r.result.snapshot, 'escalate')).toBe(T0 + 17 * DAY);
    expect(r.result.snapshot.instance.enteredStateAt).toBe(T0);
    expect(r.result.effects).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'schedule', dueAt: T0 + 20 * DAY })]),
    );
    // A later follow-up is a new entry: a rollout after it leaves the fake one nothing to revoke.
    const later = followUp(fake.snapshot, 'visited the plant', T0 + 11 * DAY);
    const after = revoke(v2, rollOut(later.snapshot, T0 + 12 * DAY), fake.audit!, {
      entity,
      now: T0 + 13 * DAY,
      recordId: 'r1',
      rep: 'alice',
    });
    expect(after.revoked).toBe(false);
    expect(after.result.snapshot.instance.enteredStateAt).toBe(T0 + 11 * DAY);
  });
});

describe('audit verdicts in scenarios', () => {
  const policy = audited({ force: { '<': [{ length: { var: 'event.payload.note' } }, 10] } });
  const scenario = (verdict: 'fake' | 'confirmed'): Scenario => ({
    users: { alice: {}, boss: { roles: ['manager'] } },
    entity,
    owner: 'alice',
    steps: [
      {
        at: 'P20D',
        actor: 'alice',
        event: { type: 'FOLLOW_UP', payload: { channel: 'visit', note: 'called' } },
        expect: { audited: true },
      },
      {
        at: 'P25D',
        actor: 'boss',
        audit: { verdict },
        expect: verdict === 'fake' ? { revoked: true, notified: ['alice'] } : { notified: [] },
      },
      { at: 'P30DT1M', expect: { state: verdict === 'fake' ? 'pool' : 'owned' } },
      {
        at: 'P31D',
        actor: 'boss',
        audit: { verdict: 'confirmed' },
        expect: { rejected: 'POOL_ERR_AUDIT_CLOSED' },
      },
    ],
  });

  it('a fake follow-up brings the release back to its original date', () => {
    const result = simulate(policy, scenario('fake'));
    expect(result.failures).toEqual([]);
  });

  it('a confirmed follow-up keeps the reset', () => {
    expect(simulate(policy, scenario('confirmed')).failures).toEqual([]);
  });

  it('a claim rule reads user.integrity: a rep with a violation may not claim', () => {
    const strict: Policy = {
      ...policy,
      claim: { eligible: { '<': [{ var: 'user.integrity.violations90d' }, 1] } },
    };
    const result = simulate(strict, {
      users: { alice: {}, bob: { integrity: { violations90d: 1 } }, carol: {} },
      entity,
      owner: null,
      steps: [
        {
          at: 'P1D',
          actor: 'bob',
          event: { type: 'CLAIM' },
          expect: { rejected: 'POOL_ERR_NOT_ELIGIBLE' },
        },
        { at: 'P1D', actor: 'carol', event: { type: 'CLAIM' }, expect: { ownerId: 'carol' } },
      ],
    });
    expect(result.failures).toEqual([]);
  });
});
