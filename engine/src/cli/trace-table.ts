// Renders a simulation as a table: timers and steps in the order they happened, with expectations.
import { addDuration } from '../duration.js';
import type { Scenario } from '../schema.types.js';
import type { SimulationResult, TraceEntry } from '../simulator.js';
import { formatTable } from './text-table.js';

const UNITS = [
  ['D', 86_400_000],
  ['H', 3_600_000],
  ['M', 60_000],
  ['S', 1000],
] as const;

/** An offset from the start as an ISO-8601 duration: 2_595_600_000 -> "+P30DT1H". */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  let rest = Math.abs(ms);
  let date = '';
  let time = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n === 0) continue;
    if (unit === 'D') date = `${n}D`;
    else time += `${n}${unit}`;
  }
  if (date === '' && time === '') return `${sign}P0D`;
  return `${sign}P${date}${time ? `T${time}` : ''}`;
}

const HEADER = [
  '#',
  'time',
  'trigger',
  'actor',
  'from -> to',
  'owner',
  'tags',
  'notified',
  'result',
];

function list(items: readonly string[]): string {
  return items.length === 0 ? '-' : items.join(',');
}

function notified(entry: TraceEntry): string {
  return entry.notified.map((n) => `${n.to.join(',')} (${n.kind})`).join('; ');
}

/** `expect ok`, `expect FAILED (state, ownerId)` or nothing for a step without expectations. */
function verdict(scenario: Scenario, result: SimulationResult, index: number): string {
  if (scenario.steps[index]?.expect === undefined && !result.failures.some((f) => f.step === index))
    return '';
  const fields = [...new Set(result.failures.filter((f) => f.step === index).map((f) => f.field))];
  return fields.length === 0 ? 'expect ok' : `expect FAILED (${fields.join(', ')})`;
}

function row(entry: TraceEntry, time: string, extra: string): string[] {
  const result = [entry.rejected ? `REFUSED ${entry.rejected.code}` : '', extra]
    .filter((s) => s !== '')
    .join(' · ');
  return [
    entry.step === null ? '' : String(entry.step),
    time,
    entry.trigger,
    entry.actor ?? '-',
    entry.rejected ? entry.from : `${entry.from || '(new)'} -> ${entry.to}`,
    entry.ownerId ?? '-',
    list(entry.tags),
    notified(entry),
    result,
  ];
}

/**
 * The trace with a row per scenario step. Steps that only check expectations have no trace entry;
 * they get a row showing the record as it stood then (after the timers due by that time fired).
 */
export function traceLines(scenario: Scenario, result: SimulationResult): string[] {
  const { trace } = result;
  const first = trace[0];
  if (!first) return [];
  const t0 = Date.parse(first.at);
  const offset = (entry: TraceEntry): string => formatOffset(Date.parse(entry.at) - t0);
  const rows: string[][] = [HEADER, row(first, offset(first), '')];
  let last = first;
  let cursor = 1;
  scenario.steps.forEach((s, index) => {
    const at = addDuration(t0, s.at);
    for (let e = trace[cursor]; e && e.step === null && Date.parse(e.at) <= at; e = trace[cursor]) {
      rows.push(row(e, offset(e), ''));
      last = e;
      cursor++;
    }
    const own = trace[cursor];
    if (own && own.step === index) {
      rows.push(row(own, `+${s.at}`, verdict(scenario, result, index)));
      last = own;
      cursor++;
      return;
    }
    const state = [last.to, last.ownerId ?? '-', list(last.tags)];
    rows.push([
      String(index),
      `+${s.at}`,
      'expect',
      '-',
      ...state,
      '',
      verdict(scenario, result, index),
    ]);
  });
  for (const e of trace.slice(cursor)) rows.push(row(e, offset(e), ''));
  return formatTable(rows);
}
