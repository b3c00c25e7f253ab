// Validation of business calendars: what the schema cannot see and every step counting business time on
// them would otherwise fail on (a RangeError at run time, the record's event or timer refused).
import { isTimeZone, parseHm } from './calendar.js';
import { escapePointer } from './logic/json-logic.js';
import type { Policy } from './schema.types.js';
import type { Problem } from './validation-result.js';

/**
 * A calendar whose time zone Intl does not know (a typo such as Asia/Shangai: `unknown-time-zone`),
 * whose opening hours close when they open, or that has no working weekday nor make-up workday
 * (`calendar-no-working-time`: business time on it never passes).
 */
export function calendarProblems(policy: Policy): Problem[] {
  const problems: Problem[] = [];
  for (const [name, calendar] of Object.entries(policy.calendars ?? {})) {
    const at = `/calendars/${escapePointer(name)}`;
    if (!isTimeZone(calendar.timeZone)) {
      problems.push({
        path: `${at}/timeZone`,
        code: 'unknown-time-zone',
        message: `calendar "${name}" has time zone "${calendar.timeZone}", which is not an IANA time zone (such as Asia/Shanghai)`,
        params: { calendar: name, timeZone: calendar.timeZone },
      });
    }
    const { start, end } = calendar.hours;
    // An end earlier than the start is a night shift (calendar.ts); the same time is no window at all.
    if (parseHm(end) === parseHm(start)) {
      problems.push({
        path: `${at}/hours`,
        code: 'calendar-no-working-time',
        message: `calendar "${name}" closes at ${end}, the time it opens: it has no working time (for round-the-clock hours use 00:00 to 24:00)`,
        params: { calendar: name, start, end },
      });
    } else if (calendar.workingDays.length === 0 && (calendar.workdays ?? []).length === 0) {
      problems.push({
        path: `${at}/workingDays`,
        code: 'calendar-no-working-time',
        message: `calendar "${name}" has no working weekday nor make-up workday: it has no working time`,
        params: { calendar: name },
      });
    }
  }
  return problems;
}
