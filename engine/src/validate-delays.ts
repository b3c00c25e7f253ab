// Validation of delays' literal amounts against the longest a timer may lie ahead (duration.ts).
import { MAX_DURATION_MS } from './duration.js';
import { escapePointer } from './logic/json-logic.js';
import type { Policy } from './schema.types.js';
import type { Problem } from './validate.js';

/** Milliseconds of one unit of each amount; a month is the average one (100 years: 1,200 months). */
const UNIT_MS = {
  months: MAX_DURATION_MS / 1200,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  ms: 1,
} as const;

/** The last instant a JavaScript Date holds (year 275,760). */
const MAX_DATE_MS = 8.64e15;

/**
 * A delay whose literal amounts add up to more than 100 years (at run time POOL_ERR_INVALID_DELAY),
 * named at its one amount or, when several add up, at the delay (`limit` in the amount's unit); an
 * `until` past the last date there is.
 */
export function delayRangeProblems(policy: Policy): Problem[] {
  const problems: Problem[] = [];
  for (const [name, delay] of Object.entries(policy.delays ?? {})) {
    const at = `/delays/${escapePointer(name)}`;
    let total = 0;
    let over: Problem | undefined;
    for (const [field, unit] of Object.entries(UNIT_MS) as [keyof typeof UNIT_MS, number][]) {
      const value = delay[field];
      if (typeof value !== 'number') continue;
      total += value * unit;
      const limit = Math.floor(MAX_DURATION_MS / unit);
      over ??= value > limit ? problem(`${at}/${field}`, name, limit, field) : undefined;
    }
    // An absolute time JavaScript has no date for (past year 275,760) is never due.
    if (typeof delay.until === 'number' && !Number.isFinite(new Date(delay.until).getTime()))
      over ??= problem(`${at}/until`, name, MAX_DATE_MS, 'ms since 1970');
    if (over) problems.push(over);
    else if (total > MAX_DURATION_MS) problems.push(problem(at, name, MAX_DURATION_MS, 'ms'));
  }
  return problems;
}

function problem(path: string, delay: string, limit: number, unit: string): Problem {
  return {
    path,
    code: 'schema',
    message: `${path} must be at most ${limit} ${unit}: delay "${delay}" may lie at most 100 years ahead`,
    params: { keyword: 'maximum', comparison: '<=', limit, delay },
  };
}
