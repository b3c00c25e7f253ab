// Business calendars every step would fail on: an unknown time zone, or no working time at all. They
// used to validate and publish, and then each ASSIGN or reopen of a ticket threw a RangeError.
import { describe, expect, it } from 'vitest';
import { compile, start, step, validate, type Policy } from '../src/index.js';
import { template } from './fixtures.js';

const service = (): Policy => template('service-ticket-pool');
const NOW = Date.parse('2026-12-07T10:00:00Z');
type Calendar = NonNullable<Policy['calendars']>[string];

/** The due times (by delay) of the timers a ticket of `policy` gets when a manager assigns it at `now`. */
function dueOnAssign(policy: Policy, now: number): Record<string, number> {
  const compiled = compile(policy);
  const entity = { subject: 'Printer down' };
  const { snapshot } = start(compiled, { entity, now });
  const assigned = step(
    compiled,
    snapshot,
    { type: 'ASSIGN', payload: { userId: 'u1' } },
    { entity, now, user: { id: 'm1', roles: ['manager'] } },
  );
  return Object.fromEntries(Object.values(assigned.snapshot.timers).map((t) => [t.delay, t.dueAt]));
}

/** The service template with its calendar `cn` changed by `change`. */
function withCalendar(change: (calendar: Calendar) => void): Policy {
  const policy = service();
  change(policy.calendars!['cn']);
  return policy;
}

const problemsOf = (policy: Policy) =>
  validate(policy, { now: NOW }).problems.map(({ path, code, params }) => ({ path, code, params }));

describe('validate: business calendars', () => {
  it('refuses a time zone Intl does not know, naming the calendar and the zone', () => {
    const policy = withCalendar((c) => (c.timeZone = 'Asia/Shangai'));
    expect(validate(policy, { now: NOW }).valid).toBe(false);
    expect(problemsOf(policy)).toEqual([
      {
        path: '/calendars/cn/timeZone',
        code: 'unknown-time-zone',
        params: { calendar: 'cn', timeZone: 'Asia/Shangai' },
      },
    ]);
    expect(validate(policy, { now: NOW }).problems[0]?.message).toBe(
      'calendar "cn" has time zone "Asia/Shangai", which is not an IANA time zone (such as Asia/Shanghai)',
    );
    expect(() => compile(policy)).toThrow(/unknown-time-zone|Asia\/Shangai/);
  });

  it('refuses hours that close when they open, and takes a night shift', () => {
    const hours = { start: '09:00', end: '09:00' };
    expect(problemsOf(withCalendar((c) => (c.hours = hours)))).toEqual([
      {
        path: '/calendars/cn/hours',
        code: 'calendar-no-working-time',
        params: { calendar: 'cn', ...hours },
      },
    ]);
    // 22:00 to 06:00: closes the next morning. A ticket assigned at 23:00 on a Monday night must be
    // answered by 03:00; its agent is warned at 02:00.
    const night = withCalendar((c) => (c.hours = { start: '22:00', end: '06:00' }));
    expect(problemsOf(night)).toEqual([]);
    expect(dueOnAssign(night, Date.parse('2026-12-14T23:00:00+08:00'))).toMatchObject({
      firstResponse: Date.parse('2026-12-15T03:00:00+08:00'),
      slaWarning: Date.parse('2026-12-15T02:00:00+08:00'),
    });
  });

  it('refuses a calendar with no working weekday and no make-up workday', () => {
    const none = withCalendar((c) => {
      c.workingDays = [];
      delete c.workdays;
    });
    expect(problemsOf(none)).toEqual([
      {
        path: '/calendars/cn/workingDays',
        code: 'calendar-no-working-time',
        params: { calendar: 'cn' },
      },
    ]);
    // Make-up workdays alone are working time: valid.
    const makeUp = withCalendar((c) => {
      c.workingDays = [];
      c.workdays = ['2026-12-12'];
    });
    expect(problemsOf(makeUp)).toEqual([]);
  });

  it('accepts the template, UTC, and hours up to 24:00', () => {
    expect(problemsOf(service())).toEqual([]);
    const allDay = withCalendar((c) => {
      c.timeZone = 'UTC';
      c.hours = { start: '00:00', end: '24:00' };
    });
    expect(problemsOf(allDay)).toEqual([]);
    // And business time runs on it: an assigned ticket's 4-hour SLA is 4 hours later on a weekday.
    expect(dueOnAssign(allDay, NOW)['firstResponse']).toBe(NOW + 4 * 3_600_000);
  });

  it('keeps a published version with such a calendar compiling: its records run on it', () => {
    const policy = withCalendar((c) => (c.timeZone = 'Asia/Shangai'));
    expect(() => compile(policy, { published: true })).not.toThrow();
  });
});
