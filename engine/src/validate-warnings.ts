// Validation warnings: what is likely to go wrong later but does not make a policy invalid.
import { isTimeZone } from './calendar.js';
import { escapePointer } from './logic/json-logic.js';
import type { Policy } from './schema.types.js';
import type { Problem } from './validate.js';

/** The year of an instant in a time zone (UTC for a zone the runtime would not know). */
function yearIn(now: number, timeZone: string): number {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric' }).format(now));
}

/**
 * A calendar that lists holidays but none in the year after `now` (its own time zone's year): from
 * then on business time counts the holidays it does not list as working days, silently. Warned all year
 * round rather than near its end: a policy is validated when it is edited or published, maybe once a
 * year. A calendar listing no holidays at all chose to have none.
 */
export function calendarWarnings(policy: Policy, now: number): Problem[] {
  const warnings: Problem[] = [];
  for (const [name, calendar] of Object.entries(policy.calendars ?? {})) {
    const holidays = calendar.holidays ?? [];
    if (holidays.length === 0) continue;
    const next = String(yearIn(now, calendar.timeZone) + 1).padStart(4, '0');
    if (holidays.some((date) => date.startsWith(`${next}-`))) continue;
    const lastHoliday = [...holidays].sort().at(-1) ?? '';
    warnings.push({
      path: `/calendars/${escapePointer(name)}/holidays`,
      code: 'calendar-holidays-ending',
      message: `calendar "${name}" lists holidays up to ${lastHoliday} and none in ${next}: business time on it counts the holidays it does not list as working days; add them once they are published`,
      params: { calendar: name, lastHoliday },
    });
  }
  return warnings;
}

/** Every warning of a policy that passed the schema. */
export function policyWarnings(policy: Policy, now: number): Problem[] {
  return calendarWarnings(policy, now);
}
