// Relative delays ("7 days before release"): due times on entry, re-entry and in the simulator.
import { describe, expect, it } from 'vitest';
import {
  compile,
  simulate,
  start,
  step,
  timersOnEntry,
  timerKeyOf,
  EngineError,
  type Policy,
  type Scenario,
} from '../src/index.js';
import { DAY, T0, template } from './fixtures.js';

const entity = { name: 'ACME Trading', industry: 'trade', phone: '13800000000' };
const candidate = {
  name: 'Li Wei',
  position: 'Backend engineer',
  phone: '13900000001',
  source: 'job_board',
  yearsOfExperience: 5,
};

function withRelease(id: string, days: number): Policy {
  const policy = template(id);
  policy.delays = { ...policy.delays, release: { days } };
  return policy;
}

function dueDays(timers: Record<string, { dueAt: number; delay: string }>, start = T0) {
  return Object.fromEntries(Object.values(timers).map((t) => [t.delay, (t.dueAt - start) / DAY]));
}

/** A scenario: owned by alice from day 0, checked at the given days. */
function reminderScenario(
  policy: string,
  record: Record<string, unknown>,
  checks: [string, string[], string][],
): Scenario {
  return {
    policy,
    users: { alice: {} },
    entity: record,
    owner: 'alice',
    steps: checks.map(([at, notified, state]) => ({ at, expect: { notified, state } })),
  };
}

describe('relative delays', () => {
  it('the templates remind 7 days before release, whatever the release period', () => {
    expect(template('crm-customer-pool').delays?.['remind']).toEqual({
      before: 'release',
      days: 7,
    });
    expect(template('hr-candidate-pool').delays?.['remind']).toEqual({
      before: 'release',
      days: 7,
    });
    const crm45 = compile(withRelease('crm-customer-pool', 45));
    const first = start(crm45, { entity, now: T0, ownerId: 'alice' });
    expect(dueDays(first.snapshot.timers)).toEqual({ remind: 38, escalate: 42, release: 45 });
  });

  it('CRM with a 45-day release reminds on day 38 and releases on day 45 in the simulator', () => {
    const result = simulate(
      withRelease('crm-customer-pool', 45),
      reminderScenario('crm-customer-pool', entity, [
        ['P37DT23H', [], 'owned'],
        ['P38D', ['alice'], 'owned'],
        ['P44DT23H', [], 'owned'],
        ['P45D', [], 'pool'],
      ]),
    );
    expect(result.failures).toEqual([]);
    const reminder = result.trace.find((e) => e.notified.some((n) => n.kind === 'reminder'));
    // The trace's times are instants; the scenario starts on 2026-01-05T01:00Z (T0).
    expect((Date.parse(reminder?.at ?? '') - T0) / DAY).toBe(38);
  });

  it('HR with a 45-day release (was 60) reminds on day 38, not day 53', () => {
    const result = simulate(
      withRelease('hr-candidate-pool', 45),
      reminderScenario('hr-candidate-pool', candidate, [
        ['P37DT23H', [], 'owned'],
        ['P38D', ['alice'], 'owned'],
        ['P45D', [], 'pool'],
        ['P53D', [], 'pool'],
      ]),
    );
    expect(result.failures).toEqual([]);
  });

  it('a follow-up re-arms both: the reminder follows the new release date', () => {
    const crm = compile(template());
    const first = start(crm, { entity, now: T0, ownerId: 'alice' });
    const next = step(
      crm,
      first.snapshot,
      { type: 'FOLLOW_UP', payload: { channel: 'call', note: 'quote sent' } },
      { entity, user: { id: 'alice' }, now: T0 + 10 * DAY },
    );
    expect(dueDays(next.snapshot.timers)).toEqual({ remind: 33, escalate: 37, release: 40 });
  });

  it('a reminder due before the entry is due at the entry; "after" counts forward', () => {
    const policy = withRelease('crm-customer-pool', 5);
    // Counted from the reminder, which has no target (after the release it could never fire).
    policy.delays = { ...policy.delays, late: { after: 'remind', hours: 12 } };
    const owned = policy.machine.states['owned'];
    if (owned?.after) owned.after['late'] = { actions: [] };
    const compiled = compile(policy);
    const first = start(compiled, { entity, now: T0, ownerId: 'alice' });
    expect(dueDays(first.snapshot.timers)).toEqual({
      remind: 0,
      escalate: 2,
      release: 5,
      late: 0.5,
    });
  });

  it('timersOnEntry gives the snapshot keys and due times a step arms, without entry actions', () => {
    const crm = compile(withRelease('crm-customer-pool', 45));
    const first = start(crm, { entity, now: T0, ownerId: 'alice' });
    const at = T0 + 3 * DAY;
    const armed = timersOnEntry(crm, 'owned', { entity, instance: first.snapshot.instance }, at);
    expect(Object.keys(armed).sort()).toEqual(Object.keys(first.snapshot.timers).sort());
    expect(dueDays(armed, at)).toEqual({ remind: 38, escalate: 42, release: 45 });
    for (const [key, timer] of Object.entries(armed)) {
      expect(key).toBe(timerKeyOf(crm, 'owned', timer.delay));
      expect(timer.state).toBe('owned');
      expect(timer.event).toEqual({ type: key, timerKey: key, dueAt: timer.dueAt });
    }
    // Entry actions do not run: a pool entry would have counted one on the instance.
    expect(timersOnEntry(crm, 'pool', { entity, instance: first.snapshot.instance }, at)).toEqual(
      {},
    );
    expect(first.snapshot.instance.poolEntries).toBe(0);
  });

  it('timersOnEntry reads delays from the data given (nurture until a date) and refuses a bad state', () => {
    const crm = compile(template());
    const first = start(crm, { entity, now: T0, ownerId: 'alice' });
    const until = T0 + 180 * DAY;
    const instance = { ...first.snapshot.instance, nurtureUntil: until };
    const armed = timersOnEntry(crm, 'nurture', { entity, instance }, T0);
    expect(Object.values(armed).map((t) => [t.delay, t.dueAt])).toEqual([['nurtureEnd', until]]);
    expect(() => timersOnEntry(crm, 'nowhere', { entity, instance }, T0)).toThrow(EngineError);
  });
});
