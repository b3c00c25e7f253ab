// Pool analytics for managers: inflow and outflow per day by kind, pool size over time, conversion of
// records claimed from the pool, time in pool, claims per user, a breakdown by a field, the per-rep
// table; each figure's definition in a legend and on hover; CSV of the series and of the table.
import { useEffect, useMemo, useState } from 'react';
import {
  getRepStats,
  getStats,
  repStatsPath,
  statsPath,
  type PoolStats,
  type RepStats,
} from '../api/stats.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { download } from '../api/transfer.api.js';
import { useI18n } from '../i18n/i18n.js';
import { BarList } from './charts/bar-list.js';
import { FlowChart } from './charts/flow-chart.js';
import { LineChart } from './charts/line-chart.js';
import { RepTable } from './charts/rep-table.js';
import { RingChart } from './charts/ring-chart.js';
import { valueLabel } from './field-labels.js';
import { formatDate } from './format.js';
import { enumFields } from './record-cells.js';
import { useWorkspace } from './workspace-context.js';

const DAY = 86_400_000;
const RANGES = [7, 30, 90] as const;
const CONVERT_DAYS = [7, 30, 90] as const;

/** Hours as hours below two days, as days from there. */
function duration(t: ReturnType<typeof useI18n>['t'], hours: number | null): string {
  if (hours === null) return '—';
  return hours >= 48
    ? t('daysCount', { days: Math.round(hours / 2.4) / 10 })
    : t('hoursCount', { hours });
}

export function AnalyticsPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { pool, policy, now, personName, fieldTitle, words } = useWorkspace();
  const fields = enumFields(policy.entity.schema.properties);
  const [days, setDays] = useState<number>(30);
  // The server's default when the policy has no field with fixed values (the breakdown is then empty).
  const [by, setBy] = useState<string | undefined>(
    fields.find((f) => f.field === 'industry')?.field ?? fields[0]?.field,
  );
  const [convertDays, setConvertDays] = useState<number>(30);
  const [stats, setStats] = useState<PoolStats | null>(null);
  const [reps, setReps] = useState<RepStats | null>(null);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  // One "now" per choice of range, so a re-render does not ask for a new range.
  const range = useMemo(() => {
    const to = now();
    return { from: new Date(to - days * DAY).toISOString(), to: new Date(to).toISOString() };
  }, [days, now]);

  useEffect(() => {
    let live = true;
    setStats(null);
    getStats(pool.key, range, by, convertDays).then(
      (s) => live && setStats(s),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [pool.key, range, by, convertDays]);

  useEffect(() => {
    let live = true;
    setReps(null);
    getRepStats(pool.key, range).then(
      (r) => live && setReps(r),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [pool.key, range]);
  const definitions = {
    pooled: t('defPooledNow', words),
    flows: t('defFlows', words),
    poolSize: t('defPoolSize', words),
    conversion: t('defConversion', { ...words, days: convertDays }),
    timeInPool: t('defTimeInPool', { ...words, exits: stats?.exits ?? 0 }),
    breakdown: t('defBreakdown', words),
    reps: t('defReps'),
  };

  const kindLabel = (kind: string) => {
    const key = `kind_${kind}` as const;
    return key in KIND_KEYS ? t(KIND_KEYS[key as keyof typeof KIND_KEYS]) : kind;
  };
  const totals = useMemo(() => {
    const sum = (pick: 'inflow' | 'outflow') =>
      (stats?.days ?? []).reduce(
        (n, d) => n + Object.values(d[pick]).reduce((a, b) => a + b, 0),
        0,
      );
    return { inflow: sum('inflow'), outflow: sum('outflow') };
  }, [stats]);

  return (
    <div className="analytics" data-testid="analytics">
      <div className="page-head">
        <div>
          <h1>{t('analytics')}</h1>
          {stats && (
            <p className="muted">
              {formatDate(stats.from, lang, pool.timeZone)} –{' '}
              {formatDate(stats.to, lang, pool.timeZone)}
            </p>
          )}
        </div>
        <div className="row">
          <div className="segmented" role="group" aria-label={t('range')}>
            {RANGES.map((n) => (
              <button
                key={n}
                type="button"
                className={days === n ? 'active' : ''}
                onClick={() => setDays(n)}
                data-testid={`range-${n}`}
              >
                {t('lastDays', { days: n })}
              </button>
            ))}
          </div>
          <button
            type="button"
            className="btn"
            data-testid="stats-csv"
            onClick={() =>
              void download(
                statsPath(pool.key, range, by, 'csv', convertDays),
                `${pool.key}-stats.csv`,
              ).catch((e: unknown) => setError(e))
            }
          >
            ↓ {t('exportCsv')}
          </button>
        </div>
      </div>
      {error !== null && <div className="alert error">{refusalWords(error, i18n)}</div>}
      {!stats && error === null && <div className="loading">…</div>}
      {stats && (
        <>
          <div className="kpis" data-testid="kpis">
            <Kpi
              label={t('pooledNow', words)}
              value={String(stats.pooledNow)}
              testId="kpi-pooled"
              title={definitions.pooled}
            />
            <Kpi
              label={t('inflowTotal')}
              value={String(totals.inflow)}
              testId="kpi-inflow"
              title={definitions.flows}
            />
            <Kpi
              label={t('outflowTotal')}
              value={String(totals.outflow)}
              testId="kpi-outflow"
              title={definitions.flows}
            />
            <Kpi
              label={t('medianInPool', words)}
              value={duration(t, stats.medianHoursInPool)}
              note={t('p90InPool', { value: duration(t, stats.p90HoursInPool) })}
              testId="kpi-median"
              title={definitions.timeInPool}
            />
          </div>
          <div className="chart-grid">
            <section className="panel wide" title={definitions.flows}>
              <h3>{t('flowTitle')}</h3>
              <FlowChart
                days={stats.days}
                kindLabel={kindLabel}
                inLabel={t('inflow')}
                outLabel={t('outflow')}
              />
            </section>
            <section className="panel wide" title={definitions.poolSize}>
              <h3>{t('poolSizeTitle', words)}</h3>
              <LineChart
                points={stats.days.map((d) => ({ day: d.day, value: d.poolSize }))}
                testId="pool-size-chart"
              />
            </section>
            <section className="panel" title={definitions.conversion}>
              <div className="panel-head">
                <h3>{t('conversionTitle', words)}</h3>
                <label className="row">
                  {t('convertWithin')}
                  <select
                    value={convertDays}
                    onChange={(e) => setConvertDays(Number(e.target.value))}
                    data-testid="convert-days"
                  >
                    {CONVERT_DAYS.map((n) => (
                      <option key={n} value={n}>
                        {t('convertWithinDays', { days: n })}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
              <div className="conversion">
                <RingChart
                  value={stats.conversion.rate}
                  label={t('converted')}
                  testId="conversion-ring"
                />
                <dl className="fields">
                  <div className="field-line">
                    <dt>{t('claimedFromPool', words)}</dt>
                    <dd data-testid="conversion-claimed">{stats.conversion.claimed}</dd>
                  </div>
                  <div className="field-line">
                    <dt>{t('convertedWithin', { days: stats.conversion.days })}</dt>
                    <dd data-testid="conversion-converted">{stats.conversion.converted}</dd>
                  </div>
                </dl>
              </div>
              <p className="hint">{definitions.conversion}</p>
            </section>
            <section className="panel">
              <h3>{t('claimsPerUser')}</h3>
              {stats.claimsByUser.length === 0 ? (
                <p className="muted">{t('noData')}</p>
              ) : (
                <BarList
                  testId="claims-chart"
                  series={[{ key: 'claims', label: t('claims'), colour: '#4f46e5' }]}
                  rows={stats.claimsByUser.map((c) => ({
                    label: c.userId === null ? t('system') : personName(c.userId),
                    values: { claims: c.claims },
                  }))}
                />
              )}
            </section>
            {stats.breakdown.field !== null && (
              <section className="panel wide" title={definitions.breakdown}>
                <div className="panel-head">
                  <h3>{t('breakdownTitle', { field: fieldTitle(stats.breakdown.field) })}</h3>
                  {fields.length > 1 && (
                    <select
                      value={by}
                      onChange={(e) => setBy(e.target.value)}
                      data-testid="breakdown-field"
                    >
                      {fields.map((f) => (
                        <option key={f.field} value={f.field}>
                          {fieldTitle(f.field)}
                        </option>
                      ))}
                    </select>
                  )}
                </div>
                <BarList
                  testId="breakdown-chart"
                  series={[
                    { key: 'total', label: t('total'), colour: '#cbd5e1' },
                    { key: 'pooled', label: t('pooled', words), colour: '#0284c7' },
                    { key: 'converted', label: t('converted'), colour: '#059669' },
                  ]}
                  rows={stats.breakdown.items.map((item) => ({
                    label: item.value === null ? t('none') : valueLabel(item.value, lang),
                    values: {
                      total: item.total,
                      pooled: item.pooled,
                      converted: item.converted,
                    },
                  }))}
                />
                <p className="hint">{definitions.breakdown}</p>
              </section>
            )}
            <section className="panel wide" title={definitions.reps} data-testid="reps-panel">
              <div className="panel-head">
                <h3>{t('repsTitle')}</h3>
                <button
                  type="button"
                  className="btn"
                  data-testid="reps-csv"
                  onClick={() =>
                    void download(
                      repStatsPath(pool.key, range, 'csv'),
                      `${pool.key}-reps.csv`,
                    ).catch((e: unknown) => setError(e))
                  }
                >
                  ↓ {t('exportCsv')}
                </button>
              </div>
              {reps ? (
                <RepTable reps={reps.reps} name={personName} />
              ) : (
                <div className="loading">…</div>
              )}
              <p className="hint">{definitions.reps}</p>
            </section>
            <section className="panel wide definitions" data-testid="stats-definitions">
              <h3>{t('definitionsTitle')}</h3>
              <dl>
                {(
                  [
                    ['pooledNow', definitions.pooled],
                    ['flowTitle', definitions.flows],
                    ['poolSizeTitle', definitions.poolSize],
                    ['conversionTitle', definitions.conversion],
                    ['medianInPool', definitions.timeInPool],
                    ['repsTitle', definitions.reps],
                  ] as const
                ).map(([label, text]) => (
                  <div key={label} className="field-line" data-testid={`definition-${label}`}>
                    <dt>{t(label, words)}</dt>
                    <dd>{text}</dd>
                  </div>
                ))}
              </dl>
            </section>
          </div>
        </>
      )}
    </div>
  );
}

const KIND_KEYS = {
  kind_create: 'kindCreate',
  kind_release: 'kindRelease',
  kind_timer: 'kindTimer',
  kind_claim: 'kindClaim',
  kind_assign: 'kindAssign',
  kind_move: 'kindMove',
  kind_import: 'kindImport',
} as const;

function Kpi(props: {
  label: string;
  value: string;
  testId: string;
  title: string;
  note?: string;
}) {
  return (
    <div className="kpi" data-testid={props.testId} title={props.title}>
      <div className="kpi-value">{props.value}</div>
      <div className="kpi-label">{props.label}</div>
      {props.note && <div className="kpi-label kpi-note">{props.note}</div>}
    </div>
  );
}
