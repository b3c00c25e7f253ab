// In-process Prometheus counters and gauges, rendered as text for /metrics.
type Labels = Record<string, string>;

function key(name: string, labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

/**
 * Every series /metrics shows, with its help text. Counting a name not here is a type error: a series
 * counted under a name render() does not know would never be seen.
 */
const SERIES = {
  poolflow_events_total: { help: 'Events applied to records, by type.', type: 'counter' },
  poolflow_claims_total: { help: 'Claims, by outcome (ok or the refusal code).', type: 'counter' },
  poolflow_write_conflicts_total: {
    help: "Event writes that lost a race for the record's seq and were stepped again, by event type.",
    type: 'counter',
  },
  poolflow_moves_skipped_total: {
    help: 'Moves to another pool that the move rule refused (the record stayed; its history says why), by pool.',
    type: 'counter',
  },
  poolflow_timers_fired_total: { help: 'Due timers applied by the sweeper.', type: 'counter' },
  poolflow_timer_failures_total: {
    help: 'Timers whose step failed (retried with backoff, or parked), by pool.',
    type: 'counter',
  },
  poolflow_sweep_lag_seconds: {
    help: 'Age of the oldest due timer at the last sweep.',
    type: 'gauge',
  },
  poolflow_upgrades_started_total: { help: 'Pool upgrades started.', type: 'counter' },
  poolflow_upgraded_records_total: {
    help: 'Records moved to a new policy version by upgrades.',
    type: 'counter',
  },
  poolflow_audit_verdicts_total: { help: 'Audit verdicts, by verdict.', type: 'counter' },
  poolflow_http_requests_total: { help: 'HTTP requests, by status class.', type: 'counter' },
  poolflow_job_runs_total: { help: 'Runs of a background job, by job.', type: 'counter' },
  poolflow_job_failures_total: {
    help: 'Runs of a background job that failed, by job.',
    type: 'counter',
  },
  poolflow_job_lag_seconds: {
    help: 'How long a background job is overdue: time since it was due (its last success plus its interval) with no success since.',
    type: 'gauge',
  },
  poolflow_job_duration_seconds: {
    help: 'Duration of the last run of a background job, by job.',
    type: 'gauge',
  },
} as const satisfies Record<string, { help: string; type: 'counter' | 'gauge' }>;

export type MetricName = keyof typeof SERIES;
export type CounterName = {
  [K in MetricName]: (typeof SERIES)[K]['type'] extends 'counter' ? K : never;
}[MetricName];
export type GaugeName = Exclude<MetricName, CounterName>;

export class Metrics {
  readonly #counters = new Map<string, number>();
  readonly #gauges = new Map<string, number>();
  readonly #onRender: (() => void)[] = [];

  count(name: CounterName, labels: Labels = {}, by = 1): void {
    const k = key(name, labels);
    this.#counters.set(k, (this.#counters.get(k) ?? 0) + by);
  }

  gauge(name: GaugeName, value: number, labels: Labels = {}): void {
    this.#gauges.set(key(name, labels), value);
  }

  /** `collect` runs before each render: for gauges that are read when asked for (a lag that grows). */
  onRender(collect: () => void): void {
    this.#onRender.push(collect);
  }

  render(): string {
    for (const collect of this.#onRender) collect();
    const lines: string[] = [];
    for (const [name, { help, type }] of Object.entries(SERIES)) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      const source = type === 'counter' ? this.#counters : this.#gauges;
      for (const [k, v] of source)
        if (k === name || k.startsWith(`${name}{`)) lines.push(`${k} ${v}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
