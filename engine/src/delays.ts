// Named delays: JSON-logic durations evaluated on state entry, in calendar or business time.
import { addBusinessDays, addBusinessTime } from './calendar.js';
import { MAX_DURATION_MS, withinMaxDuration } from './duration.js';
import { EngineError } from './engine.error.js';
import { raise } from './logic/budget.js';
import { addMonths, evaluate, type LogicData } from './logic/json-logic.js';
import type { Calendar, Delay, Policy } from './schema.types.js';

const DAY = 86_400_000;

/**
 * A value as a delay's number: a number, or a string holding one (a CSV cell). A missing field (null),
 * a blank string, a boolean or an object is no number, where `Number()` would read 0 or 1 and arm a
 * timer due at once.
 */
function numeric(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') return Number(raw);
  return Number.NaN;
}

/**
 * A delay field's value: a finite number, not negative but for `until` (an instant, clamped to now).
 * Anything else (a missing field included) is POOL_ERR_INVALID_DELAY naming the delay, not a NaN timer
 * nor one due at once.
 */
function num(
  logic: unknown,
  data: LogicData,
  rules: Record<string, unknown>,
  field: string,
  name: string,
): number {
  const raw = evaluate(logic, data, rules, `delay ${name}`);
  const value = numeric(raw);
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

/** The delay a relative delay counts from, and the direction: -1 before it, +1 after it. */
export function referenceOf(delay: Delay): { name: string; sign: -1 | 1 } | undefined {
  if (delay.before !== undefined) return { name: delay.before, sign: -1 };
  if (delay.after !== undefined) return { name: delay.after, sign: 1 };
  return undefined;
}

/** `due`, or POOL_ERR_INVALID_DELAY when it lies more than MAX_DURATION_MS ahead of `now` (or is NaN). */
function bounded(due: number, now: number, name: string): number {
  if (!withinMaxDuration(now, due)) {
    raise(
      new EngineError(
        'POOL_ERR_INVALID_DELAY',
        `delay "${name}" would fall due more than 100 years after it is armed`,
        {
          delay: name,
          field: 'due',
          value: Number.isFinite(due) ? due : null,
          limitMs: MAX_DURATION_MS,
        },
      ),
    );
  }
  return due;
}

/** Relative delays may chain (A before B after C); validation refuses cycles, this bounds the rest. */
const MAX_REFERENCE_DEPTH = 16;

/**
 * The absolute due time of a delay entered at `now` (epoch ms, never before now nor more than 100
 * years after: POOL_ERR_INVALID_DELAY). A relative delay
 * (`before`/`after` another delay's name) is that delay's due time for the same entry, minus or plus
 * its amount (in calendar time, or working time on the delay's own calendar); one due before the entry
 * is due at the entry (a reminder "7 days before release" on a 5-day release fires at once).
 */
export function dueTime(
  delay: Delay,
  now: number,
  data: LogicData,
  policy: Pick<Policy, 'rules' | 'calendars' | 'delays'>,
  name = 'delay',
  depth = 0,
): number {
  const rules = policy.rules ?? {};
  const reference = referenceOf(delay);
  const calendar: Calendar | undefined =
    delay.calendar === undefined ? undefined : policy.calendars?.[delay.calendar];
  if (reference !== undefined) {
    const target = Object.prototype.hasOwnProperty.call(policy.delays ?? {}, reference.name)
      ? policy.delays?.[reference.name]
      : undefined;
    if (target === undefined || depth >= MAX_REFERENCE_DEPTH) {
      raise(
        new EngineError(
          'POOL_ERR_INVALID_DELAY',
          `delay "${name}" counts from delay "${reference.name}", which ${target === undefined ? 'is not defined' : 'is part of a chain too long or a cycle'}`,
          { delay: name, field: reference.sign < 0 ? 'before' : 'after', value: reference.name },
        ),
      );
    }
    const base = dueTime(target, now, data, policy, reference.name, depth + 1);
    // With a calendar, the amount is working time before (or after) the reference's due time.
    const amount = amountOf(delay, base, reference.sign, calendar, data, rules, name);
    return bounded(Math.max(now, Math.round(amount)), now, name);
  }
  if (delay.until !== undefined)
    return bounded(Math.max(now, num(delay.until, data, rules, 'until', name)), now, name);
  return bounded(
    Math.max(now, Math.round(amountOf(delay, now, 1, calendar, data, rules, name))),
    now,
    name,
  );
}

/** `from` moved by the delay's months/days/hours/minutes/ms, forward (+1) or back (-1). */
function amountOf(
  delay: Delay,
  from: number,
  sign: -1 | 1,
  calendar: Calendar | undefined,
  data: LogicData,
  rules: Record<string, unknown>,
  name: string,
): number {
  let t = from;
  if (delay.months !== undefined)
    t = addMonths(t, sign * num(delay.months, data, rules, 'months', name));
  if (delay.days !== undefined) {
    const days = num(delay.days, data, rules, 'days', name);
    t = calendar ? addBusinessDays(t, days, calendar, sign) : t + sign * days * DAY;
  }
  let ms = 0;
  if (delay.hours !== undefined) ms += num(delay.hours, data, rules, 'hours', name) * 3_600_000;
  if (delay.minutes !== undefined) ms += num(delay.minutes, data, rules, 'minutes', name) * 60_000;
  if (delay.ms !== undefined) ms += num(delay.ms, data, rules, 'ms', name);
  if (ms > 0) t = calendar ? addBusinessTime(t, ms, calendar, sign) : t + sign * ms;
  return t;
}
