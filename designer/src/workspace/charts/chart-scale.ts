// Scales, ticks and colours shared by the SVG charts.

/** The smallest "nice" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^n) at or above `value`; at least 1. */
export function niceMax(value: number): number {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

/** Whole steps an axis of counts may take, in each power of ten (2.5 only where it is whole: 25, 250…). */
const COUNT_STEPS = [1, 2, 2.5, 3, 4, 5];

/**
 * The ticks of an axis of counts (records, claims), from 0 to the top tick: at most `intervals` equal
 * steps, each a whole number, the top the lowest such tick at or above `value` (at least 1). A count
 * axis never reads 7.5 records.
 */
export function countAxis(value: number, intervals = 4): number[] {
  const top = Math.max(1, Math.ceil(value));
  for (let power = 1; ; power *= 10) {
    for (const m of COUNT_STEPS) {
      const step = m * power;
      const n = Math.ceil(top / step);
      if (Number.isInteger(step) && n <= intervals)
        return Array.from({ length: n + 1 }, (_, i) => i * step);
    }
  }
}

/** Maps [0, max] onto [0, size]. */
export function scale(max: number, size: number): (value: number) => number {
  return (value) => (max > 0 ? (value / max) * size : 0);
}

/** Flow kinds in a fixed order and colour, so a chart and its legend agree across pools. */
const KIND_COLOURS: Record<string, string> = {
  create: '#0ea5e9',
  release: '#f59e0b',
  timer: '#ef4444',
  nurture: '#a855f7',
  import: '#14b8a6',
  move: '#64748b',
  claim: '#4f46e5',
  assign: '#22c55e',
};
const SPARE = ['#db2777', '#84cc16', '#0891b2', '#ea580c', '#7c3aed', '#65a30d'];

export function kindColour(kind: string): string {
  const known = KIND_COLOURS[kind];
  if (known) return known;
  let hash = 0;
  for (const c of kind) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return SPARE[hash % SPARE.length];
}

export function orderKinds(kinds: Iterable<string>): string[] {
  const order = Object.keys(KIND_COLOURS);
  return [...new Set(kinds)].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
}

/** Compact tick labels: 1200 -> 1.2k. */
export function shortNumber(value: number): string {
  if (Math.abs(value) >= 1000) return `${Math.round(value / 100) / 10}k`;
  return String(Math.round(value * 10) / 10);
}
