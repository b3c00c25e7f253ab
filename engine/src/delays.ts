// Named delays: JSON-logic durations evaluated on state entry, in calendar or business time.
import { addBusinessDays, addBusinessTime } from './calendar.js';
import { addMonths, evaluate, type LogicData } from './logic/json-logic.js';
import type { Calendar, Delay, Policy } from './schema.types.js';

const DAY = 86_400_000;

function num(
  logic: unknown,
  data: LogicData,
  rules: Record<string, unknown>,
  field: string,
): number {
  const value = Number(evaluate(logic, data, rules));
  if (!Number.isFinite(value)) throw new RangeError(`delay ${field} is not a number`);
  return value;
}

/** The absolute due time of a delay entered at `now` (epoch ms, never before now). */
export function dueTime(
  delay: Delay,
  now: number,
  data: LogicData,
  policy: Pick<Policy, 'rules' | 'calendars'>,
): number {
  const rules = policy.rules ?? {};
  if (delay.until !== undefined) return Math.max(now, num(delay.until, data, rules, 'until'));
  const calendar: Calendar | undefined =
    delay.calendar === undefined ? undefined : policy.calendars?.[delay.calendar];
  let t = now;
  if (delay.months !== undefined) t = addMonths(t, num(delay.months, data, rules, 'months'));
  if (delay.days !== undefined) {
    const days = num(delay.days, data, rules, 'days');
    t = calendar ? addBusinessDays(t, days, calendar) : t + days * DAY;
  }
  let ms = 0;
  if (delay.hours !== undefined) ms += num(delay.hours, data, rules, 'hours') * 3_600_000;
  if (delay.minutes !== undefined) ms += num(delay.minutes, data, rules, 'minutes') * 60_000;
  if (delay.ms !== undefined) ms += num(delay.ms, data, rules, 'ms');
  if (ms > 0) t = calendar ? addBusinessTime(t, ms, calendar) : t + ms;
  return Math.max(now, Math.round(t));
}
