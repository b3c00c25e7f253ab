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

function isoDate(p: LocalParts): string {
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Whether a local date is a working day: by weekday, or a make-up workday (调休); holidays never are. */
function workingDayTest(calendar: Calendar): (p: LocalParts) => boolean {
  const holidays = new Set(calendar.holidays ?? []);
  const workdays = new Set(calendar.workdays ?? []);
  const weekdays = new Set(calendar.workingDays);
  return (p) => {
    const date = isoDate(p);
    return !holidays.has(date) && (weekdays.has(p.weekday) || workdays.has(date));
  };
}

/** Adds `ms` of working time to `start`, counting only the calendar's opening hours. */
export function addBusinessTime(start: number, ms: number, calendar: Calendar): number {
  const open = parseHm(calendar.hours.start);
  const close = parseHm(calendar.hours.end);
  const isWorking = workingDayTest(calendar);
  let t = start;
  let remaining = ms;
  for (let guard = 0; guard < 3660; guard++) {
    const p = localParts(t, calendar.timeZone);
    if (isWorking(p) && close > open) {
      const opensAt = zonedTime(p.year, p.month, p.day, open, calendar.timeZone);
      const closesAt = zonedTime(p.year, p.month, p.day, close, calendar.timeZone);
      if (t < opensAt) t = opensAt;
      if (t < closesAt) {
        const available = closesAt - t;
        if (remaining <= available) return t + remaining;
        remaining -= available;
      }
    }
    // Next local midnight (noon of the next UTC day, then back to its local midnight: DST-safe).
    const next = new Date(utcMidnight(p.year, p.month, p.day) + DAY + DAY / 2);
    t = zonedTime(
      next.getUTCFullYear(),
      next.getUTCMonth() + 1,
      next.getUTCDate(),
      0,
      calendar.timeZone,
    );
  }
  throw new RangeError('calendar has no working time within ten years');
}

/** Adds whole working days to `start`, keeping the time of day. */
export function addBusinessDays(start: number, days: number, calendar: Calendar): number {
  const isWorking = workingDayTest(calendar);
  let t = start;
  let left = days;
  for (let guard = 0; left > 0 && guard < 3660; guard++) {
    t += DAY;
    const p = localParts(t, calendar.timeZone);
    if (isWorking(p)) left--;
  }
  return t;
}
