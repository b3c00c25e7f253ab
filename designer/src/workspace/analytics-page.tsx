// Pool analytics for managers: inflow and outflow per day by kind, pool size over time, conversion of
// records claimed from the pool, median time in pool, claims per user, a breakdown by a field; CSV.
import { useEffect, useMemo, useState } from 'react';
import { getStats, statsPath, type PoolStats } from '../api/stats.api.js';
import { download } from '../api/transfer.api.js';
import { useI18n } from '../i18n/i18n.js';
import { BarList } from './charts/bar-list.js';
import { FlowChart } from './charts/flow-chart.js';
import { LineChart } from './charts/line-chart.js';
import { RingChart } from './charts/ring-chart.js';
import { valueLabel } from './field-labels.js';
import { formatDate } from './format.js';
import { enumFields } from './record-cells.js';
import { useWorkspace } from './workspace-context.js';

const DAY = 86_400_000;
const RANGES = [7, 30, 90] as const;

export function AnalyticsPage() {
  const { t, lang } = useI18n();
  const { pool, policy, now, personName, fieldTitle } = useWorkspace();
  const fields = enumFields(policy.entity.schema.properties);
  const [days, setDays] = useState<number>(30);
  const [by, setBy] = useState(fields[0]?.field ?? 'industry');
  const [stats, setStats] = useState<PoolStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  // One "now" per choice of range, so a re-render does not ask for a new range.
  const range = useMemo(() => {
    const to = now();
    return { from: new Date(to - days * DAY).toISOString(), to: new Date(to).toISOString() };
  }, [days, now]);

  useEffect(() => {
    let live = true;
    setStats(null);
    getStats(pool.key, range, by).then(
      (s) => live && setStats(s),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [pool.key, range, by]);

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
              void download(statsPath(pool.key, range, by, 'csv'), `${pool.key}-stats.csv`).catch(
                (e: Error) => setError(e.message),
              )
            }
          >
            ↓ {t('exportCsv')}
          </button>
        </div>
      </div>
      {error && <div className="alert error">{error}</div>}
      {!stats && !error && <div className="loading">…</div>}
      {stats && (
        <>
          <div className="kpis" data-testid="kpis">
            <Kpi label={t('pooledNow')} value={String(stats.pooledNow)} testId="kpi-pooled" />
            <Kpi label={t('inflowTotal')} value={String(totals.inflow)} testId="kpi-inflow" />
            <Kpi label={t('outflowTotal')} value={String(totals.outflow)} testId="kpi-outflow" />
            <Kpi
              label={t('medianInPool')}
              value={
                stats.medianHoursInPool === null
                  ? '—'
                  : stats.medianHoursInPool >= 48
                    ? t('daysCount', { days: Math.round(stats.medianHoursInPool / 2.4) / 10 })
                    : t('hoursCount', { hours: stats.medianHoursInPool })
              }
              testId="kpi-median"
            />
          </div>
          <div className="chart-grid">
            <section className="panel wide">
              <h3>{t('flowTitle')}</h3>
              <FlowChart
                days={stats.days}
                kindLabel={kindLabel}
                inLabel={t('inflow')}
                outLabel={t('outflow')}
              />
            </section>
            <section className="panel wide">
              <h3>{t('poolSizeTitle')}</h3>
              <LineChart
                points={stats.days.map((d) => ({ day: d.day, value: d.poolSize }))}
                testId="pool-size-chart"
              />
            </section>
            <section className="panel">
              <h3>{t('conversionTitle')}</h3>
              <div className="conversion">
                <RingChart
                  value={stats.conversion.rate}
                  label={t('converted')}
                  testId="conversion-ring"
                />
                <dl className="fields">
                  <div className="field-line">
                    <dt>{t('claimedFromPool')}</dt>
                    <dd data-testid="conversion-claimed">{stats.conversion.claimed}</dd>
                  </div>
                  <div className="field-line">
                    <dt>{t('convertedCount')}</dt>
                    <dd data-testid="conversion-converted">{stats.conversion.converted}</dd>
                  </div>
                </dl>
              </div>
              <p className="hint">{t('conversionHint')}</p>
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
                    label: personName(c.userId),
                    values: { claims: c.claims },
                  }))}
                />
              )}
            </section>
            <section className="panel wide">
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
                  { key: 'pooled', label: t('pooled'), colour: '#0284c7' },
                  { key: 'converted', label: t('converted'), colour: '#059669' },
                ]}
                rows={stats.breakdown.items.map((item) => ({
                  label: item.value === null ? t('none') : valueLabel(item.value, lang),
                  values: { total: item.total, pooled: item.pooled, converted: item.converted },
                }))}
              />
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

function Kpi(props: { label: string; value: string; testId: string }) {
  return (
    <div className="kpi" data-testid={props.testId}>
      <div className="kpi-value">{props.value}</div>
      <div className="kpi-label">{props.label}</div>
    </div>
  );
}
