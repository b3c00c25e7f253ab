// Named delays: JSON-logic durations evaluated on state entry, in calendar or business time.
import { addBusinessDays, addBusinessTime } from './calendar.js';
import { EngineError } from './engine.error.js';
import { raise } from './logic/budget.js';
import { addMonths, evaluate, type LogicData } from './logic/json-logic.js';
import type { Calendar, Delay, Policy } from './schema.types.js';

const DAY = 86_400_000;

/**
 * A delay field's value: a finite number, not negative but for `until` (an instant, clamped to now).
 * Anything else is POOL_ERR_INVALID_DELAY naming the delay, not a NaN timer.
 */
function num(
  logic: unknown,
  data: LogicData,
  rules: Record<string, unknown>,
  field: string,
  name: string,
): number {
  const raw = evaluate(logic, data, rules, `delay ${name}`);
  const value = Number(raw);
  if (!Number.isFinite(value) || (field !== 'until' && value < 0)) {
    raise(
      new EngineError(
        'POOL_ERR_INVALID_DELAY',
        `delay "${name}" ${field} is ${JSON.stringify(raw) ?? String(raw)}, not a finite ${field === 'until' ? 'time' : 'non-negative number'}`,
        { delay: name, field, value: raw === undefined ? null : raw },
      ),
    );
  }
  return value;
}

/** The absolute due time of a delay entered at `now` (epoch ms, never before now). */
export function dueTime(
  delay: Delay,
  now: number,
  data: LogicData,
  policy: Pick<Policy, 'rules' | 'calendars'>,
  name = 'delay',
): number {
  const rules = policy.rules ?? {};
  if (delay.until !== undefined) return Math.max(now, num(delay.until, data, rules, 'until', name));
  const calendar: Calendar | undefined =
    delay.calendar === undefined ? undefined : policy.calendars?.[delay.calendar];
  let t = now;
  if (delay.months !== undefined) t = addMonths(t, num(delay.months, data, rules, 'months', name));
  if (delay.days !== undefined) {
    const days = num(delay.days, data, rules, 'days', name);
    t = calendar ? addBusinessDays(t, days, calendar) : t + days * DAY;
  }
  let ms = 0;
  if (delay.hours !== undefined) ms += num(delay.hours, data, rules, 'hours', name) * 3_600_000;
  if (delay.minutes !== undefined) ms += num(delay.minutes, data, rules, 'minutes', name) * 60_000;
  if (delay.ms !== undefined) ms += num(delay.ms, data, rules, 'ms', name);
  if (ms > 0) t = calendar ? addBusinessTime(t, ms, calendar) : t + ms;
  return Math.max(now, Math.round(t));
}
