// Business-hours arithmetic: opening hours, weekends, holidays (local dates) and DST changes.
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addBusinessTime,
  isTimeZone,
  localDay,
  utcMidnight,
} from '../src/calendar.js';
import type { Calendar } from '../src/index.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MINUTE = 60_000;

/** Mon-Fri 09:00-18:00 Beijing time with Labour Day 2026 (Fri 1 May, Mon 4 and Tue 5 May). */
const shanghai: Calendar = {
  timeZone: 'Asia/Shanghai',
  workingDays: [1, 2, 3, 4, 5],
  hours: { start: '09:00', end: '18:00' },
  holidays: ['2026-05-01', '2026-05-04', '2026-05-05'],
};

const berlin: Calendar = {
  timeZone: 'Europe/Berlin',
  workingDays: [1, 2, 3, 4, 5],
  hours: { start: '09:00', end: '17:00' },
};

/** Adds business time and returns the result as an instant, for comparing with offset strings. */
function add(start: string, ms: number, calendar: Calendar): string {
  return new Date(addBusinessTime(Date.parse(start), ms, calendar)).toISOString();
}

/** The instant `ms` of business time before `end`. */
function back(end: string, ms: number, calendar: Calendar): string {
  return new Date(addBusinessTime(Date.parse(end), ms, calendar, -1)).toISOString();
}

function at(local: string): string {
  return new Date(local).toISOString();
}

describe('addBusinessTime in Asia/Shanghai', () => {
  it('counts within one working day', () => {
    expect(add('2026-01-12T10:00:00+08:00', 4 * HOUR, shanghai)).toBe(
      at('2026-01-12T14:00:00+08:00'),
    );
  });

  it('carries Friday 17:00 + 4 h over the weekend to Monday 12:00', () => {
    expect(add('2026-01-09T17:00:00+08:00', 4 * HOUR, shanghai)).toBe(
      at('2026-01-12T12:00:00+08:00'),
    );
  });

  it('carries a minute past closing to the next working morning', () => {
    expect(add('2026-01-09T17:59:00+08:00', 2 * MINUTE, shanghai)).toBe(
      at('2026-01-12T09:01:00+08:00'),
    );
  });

  it('starts counting at opening time when started before it', () => {
    // 07:30 local is still Sunday in UTC: the local day decides.
    expect(add('2026-01-12T07:30:00+08:00', 2 * HOUR, shanghai)).toBe(
      at('2026-01-12T11:00:00+08:00'),
    );
  });

  it('starts counting the next working morning when started after closing', () => {
    expect(add('2026-01-12T19:00:00+08:00', HOUR, shanghai)).toBe(at('2026-01-13T10:00:00+08:00'));
  });

  it('starts counting on Monday when started on a weekend', () => {
    expect(add('2026-01-10T10:00:00+08:00', HOUR, shanghai)).toBe(at('2026-01-12T10:00:00+08:00'));
  });

  it('ends at closing time when the time exactly fills the day', () => {
    expect(add('2026-01-12T09:00:00+08:00', 9 * HOUR, shanghai)).toBe(
      at('2026-01-12T18:00:00+08:00'),
    );
  });

  it('skips holidays as well as the weekend', () => {
    // Thursday 30 April 17:00: 1 h that day, then Labour Day, the weekend and two more holidays.
    expect(add('2026-04-30T17:00:00+08:00', 2 * HOUR, shanghai)).toBe(
      at('2026-05-06T10:00:00+08:00'),
    );
    const noHolidays: Calendar = { ...shanghai, holidays: [] };
    expect(add('2026-04-30T17:00:00+08:00', 2 * HOUR, noHolidays)).toBe(
      at('2026-05-01T10:00:00+08:00'),
    );
  });
});

describe('make-up workdays (调休)', () => {
  // Labour Day 2026: 1-5 May off, Saturday 9 May worked instead.
  const labourDay: Calendar = {
    ...shanghai,
    holidays: ['2026-05-01', '2026-05-04', '2026-05-05'],
    workdays: ['2026-05-09'],
  };

  it('counts a make-up Saturday as a working day', () => {
    // Friday 8 May 17:00: 1 h that day, then the make-up Saturday from 09:00.
    expect(add('2026-05-08T17:00:00+08:00', 2 * HOUR, labourDay)).toBe(
      at('2026-05-09T10:00:00+08:00'),
    );
    expect(add('2026-05-08T17:00:00+08:00', 2 * HOUR, shanghai)).toBe(
      at('2026-05-11T10:00:00+08:00'),
    );
    const days = (start: string, n: number, calendar: Calendar): string =>
      new Date(addBusinessDays(Date.parse(start), n, calendar)).toISOString();
    expect(days('2026-05-08T10:00:00+08:00', 1, labourDay)).toBe(at('2026-05-09T10:00:00+08:00'));
    expect(days('2026-05-08T10:00:00+08:00', 1, shanghai)).toBe(at('2026-05-11T10:00:00+08:00'));
  });

  it('keeps a date listed as both a holiday and a workday a holiday', () => {
    const both: Calendar = { ...labourDay, workdays: ['2026-05-09', '2026-05-04'] };
    expect(add('2026-04-30T17:00:00+08:00', 2 * HOUR, both)).toBe(at('2026-05-06T10:00:00+08:00'));
  });
});

describe('addBusinessTime in other zones', () => {
  it('matches holidays by local date, not the UTC date', () => {
    // Monday 26 January 09:00 in Auckland (UTC+13) is still Sunday in UTC.
    const auckland: Calendar = {
      ...berlin,
      timeZone: 'Pacific/Auckland',
      holidays: ['2026-01-26'],
    };
    expect(add('2026-01-23T16:00:00+13:00', 2 * HOUR, auckland)).toBe(
      at('2026-01-27T10:00:00+13:00'),
    );
  });

  it('keeps local opening hours across the March DST change in Europe/Berlin', () => {
    // Friday 27 March is CET (+01:00); clocks go forward on Sunday 29 March; Monday is CEST.
    expect(add('2026-03-27T16:00:00+01:00', 2 * HOUR, berlin)).toBe(
      at('2026-03-30T10:00:00+02:00'),
    );
  });

  it('keeps local opening hours across the October DST change in Europe/Berlin', () => {
    expect(add('2026-10-23T16:00:00+02:00', 2 * HOUR, berlin)).toBe(
      at('2026-10-26T10:00:00+01:00'),
    );
  });

  it('counts real elapsed time on a round-the-clock calendar through the 23-hour day', () => {
    const always: Calendar = {
      timeZone: 'Europe/Berlin',
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      hours: { start: '00:00', end: '24:00' },
    };
    expect(add('2026-03-28T12:00:00+01:00', 24 * HOUR, always)).toBe(
      at('2026-03-29T13:00:00+02:00'),
    );
  });

  it('counts only the hours that exist when opening hours span the skipped hour', () => {
    // 01:00-04:00 local on 29 March is two real hours: 02:00-03:00 does not exist.
    const night: Calendar = {
      ...berlin,
      workingDays: [7],
      hours: { start: '01:00', end: '04:00' },
    };
    expect(add('2026-03-28T23:00:00+01:00', 2 * HOUR, night)).toBe(at('2026-03-29T04:00:00+02:00'));
    expect(add('2026-03-28T23:00:00+01:00', 3 * HOUR, night)).toBe(at('2026-04-05T02:00:00+02:00'));
  });

  it('refuses a calendar without any working time', () => {
    expect(() => addBusinessTime(0, HOUR, { ...shanghai, workingDays: [] })).toThrow(RangeError);
  });
});

describe('localDay', () => {
  it('turns the day at local midnight: 16:00 UTC in Beijing', () => {
    const day = localDay(Date.UTC(2026, 0, 1, 17, 0), 'Asia/Shanghai');
    expect(day).toEqual({ start: Date.UTC(2026, 0, 1, 16), end: Date.UTC(2026, 0, 2, 16) });
  });

  it('has 23 hours on the day New York moves its clocks forward', () => {
    const day = localDay(Date.UTC(2026, 2, 8, 12), 'America/New_York');
    expect(day).toEqual({ start: Date.UTC(2026, 2, 8, 5), end: Date.UTC(2026, 2, 9, 4) });
  });

  it('knows IANA zones and refuses others', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

/** Years Date.UTC misreads (0-99 as 1900-1999), the first it reads right, and two ordinary ones. */
const YEARS = [1, 99, 100, 1970, 2026];

/** An ISO instant in `year`; Date.parse reads a four-digit year as written. */
const inYear = (year: number, rest: string) =>
  Date.parse(`${String(year).padStart(4, '0')}-${rest}`);

describe('dates in any year', () => {
  it.each(YEARS)(
    'utcMidnight is midnight UTC of a date in year %i, rolling over its end',
    (year) => {
      expect(utcMidnight(year, 3, 15)).toBe(inYear(year, '03-15T00:00:00Z'));
      expect(utcMidnight(year, 12, 32)).toBe(inYear(year + 1, '01-01T00:00:00Z'));
    },
  );

  it.each(YEARS)('localDay is the day of the instant in year %i', (year) => {
    expect(localDay(inYear(year, '03-15T12:00:00Z'), 'UTC')).toEqual({
      start: inYear(year, '03-15T00:00:00Z'),
      end: inYear(year, '03-16T00:00:00Z'),
    });
    // Beijing ran on local mean time (+08:05:43) until 1901, on +08:00 since.
    const start = year < 1901 ? '03-14T15:54:17Z' : '03-14T16:00:00Z';
    const end = year < 1901 ? '03-15T15:54:17Z' : '03-15T16:00:00Z';
    expect(localDay(inYear(year, '03-15T12:00:00Z'), 'Asia/Shanghai')).toEqual({
      start: inYear(year, start),
      end: inYear(year, end),
    });
  });

  it.each(YEARS)('carries Friday 17:00 over the weekend of year %i', (year) => {
    const utc: Calendar = {
      timeZone: 'UTC',
      workingDays: [1, 2, 3, 4, 5],
      hours: { start: '09:00', end: '18:00' },
    };
    // The first Friday of March, by the proleptic Gregorian weekday Date gives.
    const friday = [1, 2, 3, 4, 5, 6, 7]
      .map((d) => inYear(year, `03-0${d}T17:00:00Z`))
      .find((t) => new Date(t).getUTCDay() === 5)!;
    // One hour on Friday, one on Monday from 09:00.
    expect(addBusinessTime(friday, 2 * HOUR, utc)).toBe(friday + 3 * DAY - 7 * HOUR);
    expect(addBusinessDays(friday, 1, utc)).toBe(friday + 3 * DAY);
  });
});

describe('business time counted back (a warning before an SLA)', () => {
  it('counts back within one working day, to opening time at most', () => {
    expect(back('2026-01-12T14:00:00+08:00', HOUR, shanghai)).toBe(at('2026-01-12T13:00:00+08:00'));
    expect(back('2026-01-12T10:00:00+08:00', HOUR, shanghai)).toBe(at('2026-01-12T09:00:00+08:00'));
  });

  it('puts one hour before Monday 09:30 at Friday 17:30, not Monday 08:30', () => {
    expect(back('2026-01-12T09:30:00+08:00', HOUR, shanghai)).toBe(at('2026-01-09T17:30:00+08:00'));
  });

  it('counts from closing time when the end lies after it, or on a day off', () => {
    expect(back('2026-01-12T21:00:00+08:00', HOUR, shanghai)).toBe(at('2026-01-12T17:00:00+08:00'));
    // Sunday night: Friday's last hour.
    expect(back('2026-01-11T23:00:00+08:00', HOUR, shanghai)).toBe(at('2026-01-09T17:00:00+08:00'));
  });

  it('skips holidays: before Wednesday 6 May 09:30 is Thursday 30 April', () => {
    expect(back('2026-05-06T09:30:00+08:00', HOUR, shanghai)).toBe(at('2026-04-30T17:30:00+08:00'));
  });

  it('keeps the length of working time across the spring DST change in Berlin', () => {
    // Monday 30 March 2026 10:00 CEST; Friday 27 March was CET: 2 h back is Friday 16:00 CET.
    expect(back('2026-03-30T10:00:00+02:00', 2 * HOUR, berlin)).toBe(
      at('2026-03-27T16:00:00+01:00'),
    );
  });

  it('undoes adding: for times in working hours, back(add(t, x), x) is t', () => {
    const starts = [
      '2026-01-09T17:00:00+08:00',
      '2026-04-30T10:15:00+08:00',
      '2026-01-12T09:00:00+08:00',
    ];
    for (const start of starts) {
      for (const ms of [MINUTE, HOUR, 4 * HOUR, 9 * HOUR, 30 * HOUR]) {
        const ahead = addBusinessTime(Date.parse(start), ms, shanghai);
        expect(addBusinessTime(ahead, ms, shanghai, -1), `${start} + ${ms / MINUTE} min`).toBe(
          Date.parse(start),
        );
      }
    }
  });

  it('counts whole working days back, keeping the time of day', () => {
    // Two working days before Wednesday 6 May 10:00 (Labour Day from Friday to Tuesday): 29 April.
    expect(
      new Date(
        addBusinessDays(Date.parse('2026-05-06T10:00:00+08:00'), 2, shanghai, -1),
      ).toISOString(),
    ).toBe(at('2026-04-29T10:00:00+08:00'));
  });
});

describe('a night shift (22:00 to 06:00, Monday to Friday, Beijing time)', () => {
  const night: Calendar = { ...shanghai, hours: { start: '22:00', end: '06:00' } };

  it('counts through midnight into the next morning', () => {
    expect(add('2026-01-12T23:00:00+08:00', 4 * HOUR, night)).toBe(at('2026-01-13T03:00:00+08:00'));
    // From 05:00 Tuesday (Monday's shift): one hour left, the other three from Tuesday 22:00.
    expect(add('2026-01-13T05:00:00+08:00', 4 * HOUR, night)).toBe(at('2026-01-14T01:00:00+08:00'));
  });

  it('starts counting at the shift when started in the day', () => {
    expect(add('2026-01-12T12:00:00+08:00', HOUR, night)).toBe(at('2026-01-12T23:00:00+08:00'));
  });

  it("works Friday's shift into Saturday morning, then nothing until Monday 22:00", () => {
    expect(add('2026-01-09T23:00:00+08:00', 8 * HOUR, night)).toBe(at('2026-01-12T23:00:00+08:00'));
    // Saturday 01:00 lies in Friday's shift; Sunday night is no shift.
    expect(add('2026-01-10T01:00:00+08:00', HOUR, night)).toBe(at('2026-01-10T02:00:00+08:00'));
    expect(add('2026-01-11T23:00:00+08:00', HOUR, night)).toBe(at('2026-01-12T23:00:00+08:00'));
  });

  it('has no shift opening on a holiday: the night of Labour Day is off, the night before it is not', () => {
    // Thursday 30 April's shift runs to Friday 1 May 06:00; Friday's (a holiday) does not open.
    expect(add('2026-05-01T05:00:00+08:00', 2 * HOUR, night)).toBe(at('2026-05-06T23:00:00+08:00'));
  });

  it('counts back through midnight and over days off', () => {
    expect(back('2026-01-13T03:00:00+08:00', 4 * HOUR, night)).toBe(
      at('2026-01-12T23:00:00+08:00'),
    );
    // One hour before Monday 22:30: Saturday 05:30, the end of Friday's shift.
    expect(back('2026-01-12T22:30:00+08:00', HOUR, night)).toBe(at('2026-01-10T05:30:00+08:00'));
  });

  it('undoes adding: for times in a shift, back(add(t, x), x) is t', () => {
    for (const start of [
      '2026-01-12T22:00:00+08:00',
      '2026-01-13T05:59:00+08:00',
      '2026-01-09T23:30:00+08:00',
    ]) {
      for (const ms of [MINUTE, HOUR, 8 * HOUR, 30 * HOUR]) {
        const ahead = addBusinessTime(Date.parse(start), ms, night);
        expect(addBusinessTime(ahead, ms, night, -1), `${start} + ${ms / MINUTE} min`).toBe(
          Date.parse(start),
        );
      }
    }
  });
});
