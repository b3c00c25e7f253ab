// ISO-8601 durations ("P10D", "PT4H", "P1M2DT3H") added to a UTC instant.
import { addMonths } from './logic/json-logic.js';

const PATTERN =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** The instant `duration` after `start` (years and months are calendar months, UTC). */
export function addDuration(start: number, duration: string): number {
  const m = PATTERN.exec(duration);
  if (!m) throw new RangeError(`"${duration}" is not an ISO-8601 duration such as P10D or PT4H`);
  const [, y, mo, w, d, h, mi, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  let t = addMonths(start, (y ?? 0) * 12 + (mo ?? 0));
  t += ((w ?? 0) * 7 + (d ?? 0)) * 86_400_000;
  t += (h ?? 0) * 3_600_000 + (mi ?? 0) * 60_000 + (s ?? 0) * 1000;
  return t;
}
