// Pool time zones: IANA names checked by Intl, and the local day an instant falls in.
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

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Whether Intl knows the zone (an IANA name such as Asia/Shanghai, or UTC). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function offsetAt(ts: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ts))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    p['year'] ?? 1970,
    (p['month'] ?? 1) - 1,
    p['day'] ?? 1,
    p['hour'] ?? 0,
    p['minute'] ?? 0,
    p['second'] ?? 0,
  );
  return asUtc - (ts - (((ts % 1000) + 1000) % 1000));
}

/** The local day holding `ts`: [start, end) as instants; 24 h except across a DST change. */
export function localDay(ts: number, timeZone: string): { start: number; end: number } {
  const DAY = 86_400_000;
  const localMidnight = (t: number) => {
    const local = t + offsetAt(t, timeZone);
    const midnight = local - (((local % DAY) + DAY) % DAY);
    // The offset at midnight may differ from the offset at `t` (a DST change that day).
    return midnight - offsetAt(midnight - offsetAt(t, timeZone), timeZone);
  };
  const start = localMidnight(ts);
  return { start, end: localMidnight(start + DAY + DAY / 2) };
}
