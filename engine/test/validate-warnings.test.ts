// Warnings: a business calendar whose holidays run out is said, and the policy stays valid.
import { describe, expect, it } from 'vitest';
import { compile, validate, type Policy } from '../src/index.js';
import { template } from './fixtures.js';

const service = (): Policy => template('service-ticket-pool');

describe('validate warnings: calendar holidays that run out', () => {
  it('warns of a calendar listing no holiday in the year after now, and the policy stays valid', () => {
    const result = validate(service(), { now: Date.parse('2026-12-07T12:00:00Z') });
    expect(result.valid).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      {
        path: '/calendars/cn/holidays',
        code: 'calendar-holidays-ending',
        message: expect.stringContaining('2026-10-07') as string,
        params: { calendar: 'cn', lastHoliday: '2026-10-07' },
      },
    ]);
    expect(result.warnings[0]?.message).toContain('none in 2027');
    // Nothing that compiles or publishes reads warnings.
    expect(() => compile(service())).not.toThrow();
  });

  it('says nothing while the next year is listed, or of a calendar listing no holidays', () => {
    expect(validate(service(), { now: Date.parse('2025-06-01T00:00:00Z') }).warnings).toEqual([]);
    const listed = service();
    listed.calendars!['cn'].holidays!.push('2027-01-01');
    expect(validate(listed, { now: Date.parse('2026-12-07T12:00:00Z') }).warnings).toEqual([]);
    const none = service();
    delete none.calendars!['cn'].holidays;
    expect(validate(none, { now: Date.parse('2026-12-07T12:00:00Z') }).warnings).toEqual([]);
  });

  it('reads the year in the calendar’s time zone', () => {
    const policy = service();
    policy.calendars!['cn'].holidays!.push('2027-01-01');
    // 23:00 on 31 December in Shanghai: 2027 is next and listed.
    expect(validate(policy, { now: Date.parse('2026-12-31T15:00:00Z') }).warnings).toEqual([]);
    // 01:00 on 1 January 2027 in Shanghai (still 2026 in UTC): 2028 is next and not listed.
    expect(
      validate(policy, { now: Date.parse('2026-12-31T17:00:00Z') }).warnings.map((w) => w.params),
    ).toEqual([{ calendar: 'cn', lastHoliday: '2027-01-01' }]);
  });

  it('names each calendar, and a calendar whose list is long past too', () => {
    const policy = service();
    policy.calendars!['old'] = { ...policy.calendars!['cn'], holidays: ['2024-10-01'] };
    const result = validate(policy, { now: Date.parse('2025-03-01T00:00:00Z') });
    expect(result.valid).toBe(true);
    expect(result.warnings.map((w) => [w.path, w.params])).toEqual([
      ['/calendars/old/holidays', { calendar: 'old', lastHoliday: '2024-10-01' }],
    ]);
  });

  it('gives no warnings beside schema problems', () => {
    const result = validate({ id: 'x' }, { now: Date.parse('2026-12-07T12:00:00Z') });
    expect(result.valid).toBe(false);
    expect(result.warnings).toEqual([]);
  });
});
