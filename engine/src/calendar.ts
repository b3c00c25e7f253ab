// Business-hours arithmetic on a working calendar (working days, opening hours, holidays, time zone).
import type { Calendar } from './schema.types.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: number; // ISO: 1 = Monday
  minutes: number; // minutes since local midnight
  seconds: number; // within the minute: old zones (local mean time) are offset by seconds too
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Midnight UTC of a calendar date, for any year: Date.UTC reads years 0-99 as 1900-1999. Months and
 * days past their end roll over as in Date.UTC.
 */
export function utcMidnight(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

function localParts(ts: number, timeZone: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ts)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const year = p['year'] ?? 1970;
  const month = p['month'] ?? 1;
  const day = p['day'] ?? 1;
  const weekday = ((new Date(utcMidnight(year, month, day)).getUTCDay() + 6) % 7) + 1;
  const minutes = (p['hour'] ?? 0) * 60 + (p['minute'] ?? 0);
  return { year, month, day, weekday, minutes, seconds: p['second'] ?? 0 };
}

/** Offset of the zone from UTC at an instant, in ms. */
function offsetAt(ts: number, timeZone: string): number {
  const p = localParts(ts, timeZone);
  const ms = p.seconds * 1000 + new Date(ts).getUTCMilliseconds();
  const asUtc = utcMidnight(p.year, p.month, p.day) + p.minutes * MINUTE + ms;
  return asUtc - ts;
}

/** The instant of a local wall-clock time in the zone. */
function zonedTime(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): number {
  const guess = utcMidnight(year, month, day) + minutes * MINUTE;
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
}

/** Whether Intl knows the zone (an IANA name such as Asia/Shanghai, or UTC). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The local day holding `ts`: [start, end) as instants; 24 h except across a DST change. */
export function localDay(ts: number, timeZone: string): { start: number; end: number } {
  const p = localParts(ts, timeZone);
  const next = new Date(utcMidnight(p.year, p.month, p.day + 1));
  return {
    start: zonedTime(p.year, p.month, p.day, 0, timeZone),
    end: zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, timeZone),
  };
}

/** Minutes since midnight of an "HH:MM" time. */
export function parseHm(hm: string): number {
  const [h, m] = hm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** A local calendar date with its ISO weekday. */
type LocalDate = Pick<LocalParts, 'year' | 'month' | 'day' | 'weekday'>;

function isoDate(p: LocalDate): string {
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Whether a local date is a working day: by weekday, or a make-up workday (调休); holidays never are. */
function workingDayTest(calendar: Calendar): (p: LocalDate) => boolean {
  const holidays = new Set(calendar.holidays ?? []);
  const workdays = new Set(calendar.workdays ?? []);
  const weekdays = new Set(calendar.workingDays);
  return (p) => {
    const date = isoDate(p);
    return !holidays.has(date) && (weekdays.has(p.weekday) || workdays.has(date));
  };
}

/** The calendar date `days` after (or before) a local date. */
function dateAfter(p: LocalDate, days: number): LocalDate {
  // Noon of the UTC date: whole days away, whatever the zone's offset.
  const d = new Date(utcMidnight(p.year, p.month, p.day) + days * DAY + DAY / 2);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: ((d.getUTCDay() + 6) % 7) + 1,
  };
}

/**
 * Moves `start` by `ms` of working time, forward (`sign` 1) or back (-1), counting only the calendar's
 * opening hours: back, an instant is `ms` of working time before `start` (one business hour before
 * Monday 09:30 is Friday 17:30 on a 09:00-18:00 calendar). Walks the working windows in order from
 * the one that may hold `start`. Hours ending earlier than they start are a night shift: it closes on
 * the next date and belongs to the date it opens on, whose holiday or working day decides (Friday 22:00
 * to Saturday 06:00 is worked on a Monday-Friday calendar); counting forward starts from the shift that
 * opened the day before.
 */
export function addBusinessTime(
  start: number,
  ms: number,
  calendar: Calendar,
  sign: 1 | -1 = 1,
): number {
  const isWorking = workingDayTest(calendar);
  const open = parseHm(calendar.hours.start);
  const close = parseHm(calendar.hours.end);
  const zone = calendar.timeZone;
  let t = start;
  let remaining = ms;
  let date: LocalDate = localParts(t, zone);
  if (sign > 0 && close < open) date = dateAfter(date, -1);
  for (let guard = 0; guard < 3660; guard++) {
    if (close !== open && isWorking(date)) {
      const closing = close < open ? dateAfter(date, 1) : date;
      const opensAt = zonedTime(date.year, date.month, date.day, open, zone);
      const closesAt = zonedTime(closing.year, closing.month, closing.day, close, zone);
      // The working time of this window on the side of `t` the count goes.
      const from = sign > 0 ? Math.max(t, opensAt) : Math.min(t, closesAt);
      const available = sign > 0 ? closesAt - from : from - opensAt;
      if (available > 0) {
        if (remaining <= available) return from + sign * remaining;
        remaining -= available;
        t = sign > 0 ? closesAt : opensAt;
      }
    }
    date = dateAfter(date, sign);
  }
  throw new RangeError('calendar has no working time within ten years');
}

/** Moves `start` by whole working days, forward (`sign` 1) or back (-1), keeping the time of day. */
export function addBusinessDays(
  start: number,
  days: number,
  calendar: Calendar,
  sign: 1 | -1 = 1,
): number {
  const isWorking = workingDayTest(calendar);
  let t = start;
  let left = days;
  for (let guard = 0; left > 0 && guard < 3660; guard++) {
    t += sign * DAY;
    const p = localParts(t, calendar.timeZone);
    if (isWorking(p)) left--;
  }
  return t;
}
