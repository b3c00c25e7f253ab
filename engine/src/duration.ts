// ISO-8601 durations ("P10D", "PT4H", "P1M2DT3H") added to a UTC instant, at most MAX_DURATION_MS.
import { addMonths } from './logic/json-logic.js';

const PATTERN =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * The longest a scenario step or a timer may lie ahead: 100 years (36,525 days, every leap day
 * included). Far beyond it JavaScript has no date at all (year 275,760): a NaN time fires nothing.
 */
export const MAX_DURATION_MS = 36_525 * 86_400_000;

/** Whether `due` is a time at most MAX_DURATION_MS after `start` (false for NaN and infinities). */
export function withinMaxDuration(start: number, due: number): boolean {
  return due - start <= MAX_DURATION_MS;
}

/**
 * The instant `duration` after `start` (years and months are calendar months, UTC). A duration
 * longer than MAX_DURATION_MS is a RangeError.
 */
export function addDuration(start: number, duration: string): number {
  const m = PATTERN.exec(duration);
  if (!m) throw new RangeError(`"${duration}" is not an ISO-8601 duration such as P10D or PT4H`);
  const [, y, mo, w, d, h, mi, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  let t = addMonths(start, (y ?? 0) * 12 + (mo ?? 0));
  t += ((w ?? 0) * 7 + (d ?? 0)) * 86_400_000;
  t += (h ?? 0) * 3_600_000 + (mi ?? 0) * 60_000 + (s ?? 0) * 1000;
  if (!withinMaxDuration(start, t)) {
    throw new RangeError(`"${duration}" is longer than 100 years (P100Y), the longest duration`);
  }
  return t;
}

/** Why `duration` cannot be added to `start` (addDuration's RangeError), or undefined. */
export function durationProblem(start: number, duration: string): string | undefined {
  try {
    addDuration(start, duration);
    return undefined;
  } catch (e) {
    if (e instanceof RangeError) return e.message;
    throw e;
  }
}
