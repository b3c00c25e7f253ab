// @vitest-environment jsdom
// The analytics page shows each figure's definition (legend and hover), p90 beside the median, the
// breakdown's claimed and converted, and the per-rep table; the conversion window is asked of the API.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Pool } from '../src/api/pools.api.js';
import type { PoolStats, RepStats } from '../src/api/stats.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { AnalyticsPage } from '../src/workspace/analytics-page.js';
import { WorkspaceProvider } from '../src/workspace/workspace-context.js';
import { CRM_POOL, crmPoolPolicy, ME } from './workspace-fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const pool: Pool = CRM_POOL;

const stats = (convertDays: number): PoolStats => ({
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
  pooledNow: 4,
  days: [
    { day: '2026-11-30', inflow: { release: 2 }, outflow: { claim: 3 }, poolSize: 5 },
    { day: '2026-12-01', inflow: {}, outflow: { claim: 1 }, poolSize: 4 },
  ],
  conversion: { claimed: 4, converted: convertDays === 30 ? 2 : 1, rate: 0.5, days: convertDays },
  exits: 4,
  medianHoursInPool: 30,
  p90HoursInPool: 100,
  // A claim whose history row names no user is counted apart (userId null).
  claimsByUser: [
    { userId: 'u-bob', claims: 4 },
    { userId: null, claims: 1 },
  ],
  breakdown: {
    field: 'industry',
    items: [{ value: 'trade', total: 6, pooled: 2, converted: 2 }],
  },
});

const reps: RepStats = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
  reps: [
    {
      userId: 'u-bob',
      username: 'bob',
      displayName: 'Bob Li',
      claims: 4,
      followUps: 7,
      wins: 2,
      losses: 1,
      timedOut: 3,
      manualReleases: 2,
      releaseReasons: { 'no budget': 1, '': 1 },
      load: 12,
      auditsPassed: 5,
      violations: 1,
    },
  ],
};

function stubApi() {
  const urls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) => {
      urls.push(url);
      const path = url.split('?')[0];
      const query = new URLSearchParams(url.split('?')[1]);
      const body =
        path === '/api/pools/crm/stats/reps'
          ? reps
          : path === '/api/pools/crm/stats'
            ? stats(Number(query.get('convertDays') ?? 30))
            : {};
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    }),
  );
  return urls;
}

function renderPage(lang: Lang = 'en') {
  return render(
    <I18nProvider lang={lang}>
      <WorkspaceProvider
        me={ME}
        pools={[pool]}
        pool={pool}
        policy={crmPoolPolicy()}
        clockOffset={0}
        reload={() => undefined}
      >
        <AnalyticsPage />
      </WorkspaceProvider>
    </I18nProvider>,
  );
}

describe('analytics page', () => {
  it('shows the definitions, p90, the breakdown and the per-rep table', async () => {
    const urls = stubApi();
    renderPage();
    const legend = await screen.findByTestId('stats-definitions');
    const conversion = within(legend).getByTestId('definition-conversionTitle');
    expect(conversion.textContent).toContain('within 30 days of a claim in the range');
    expect(within(legend).getByTestId('definition-medianInPool').textContent).toContain(
      'Exits from the public pool in the range (4)',
    );
    // The same definition on hover of the figure.
    expect(screen.getByTestId('kpi-median').getAttribute('title')).toContain('90th percentile');
    expect(screen.getByTestId('kpi-median').textContent).toContain('30 h');
    expect(screen.getByTestId('kpi-median').textContent).toContain('90th percentile: 4.2 d');
    expect(screen.getByTestId('conversion-converted').textContent).toBe('2');
    const claims = screen.getByTestId('claims-chart').textContent;
    expect(claims).toContain('Bob Li');
    expect(claims).toContain('system');
    const bars = screen.getByTestId('breakdown-chart');
    expect(bars.querySelector('[data-testid=breakdown-chart-bar][data-value="6"]')).not.toBeNull();

    const table = await screen.findByTestId('rep-table');
    const row = within(table).getByText('Bob Li').closest('tr')!;
    const cell = (col: string) => row.querySelector(`[data-col=${col}]`)!.textContent;
    expect([
      cell('claims'),
      cell('followUps'),
      cell('wins'),
      cell('losses'),
      cell('timedOut'),
      cell('manualReleases'),
      cell('load'),
      cell('auditsPassed'),
      cell('violations'),
    ]).toEqual(['4', '7', '2', '1', '3', '2', '12', '5', '1']);
    // Integrity: a rep with a violation stands out.
    expect(row.querySelector('[data-col=violations]')!.className).toContain('bad-figure');
    expect(within(table).getByText('Audits passed')).toBeTruthy();
    expect(cell('releaseReasons')).toBe('no budget ×1 · (no reason) ×1');
    expect(within(table).getByText('Timed-out releases')).toBeTruthy();
    expect(urls.some((u) => u.startsWith('/api/pools/crm/stats/reps?from='))).toBe(true);

    // Another conversion window: asked of the API, and the legend follows.
    fireEvent.change(screen.getByTestId('convert-days'), { target: { value: '7' } });
    await waitFor(() => expect(screen.getByTestId('conversion-converted').textContent).toBe('1'));
    expect(urls.some((u) => u.includes('convertDays=7'))).toBe(true);
    expect(screen.getByTestId('definition-conversionTitle').textContent).toContain(
      'within 7 days of a claim',
    );
  });

  it('shows the legend and the table in Chinese', async () => {
    stubApi();
    renderPage('zh');
    const legend = await screen.findByTestId('stats-definitions');
    expect(legend.textContent).toContain('各项指标的口径');
    expect(legend.textContent).toContain('30 天内进入成功状态');
    const table = await screen.findByTestId('rep-table');
    expect(table.textContent).toContain('到期释放');
    expect(table.textContent).toContain('当前负载');
    expect(table.textContent).toContain('抽查通过');
    expect(table.textContent).toContain('违规');
    expect(screen.getByTestId('claims-chart').textContent).toContain('系统');
  });
});
