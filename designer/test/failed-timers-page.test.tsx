// @vitest-environment jsdom
// The Failed timers page against a stubbed API: rows in plain words (en and zh), parked timers, the
// Retry that posts one timer and shows the refreshed list, the empty state; and its small helpers.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Pool } from '../src/api/pools.api.js';
import type { FailedTimer } from '../src/api/timers.api.js';
import { I18nProvider, makeI18n } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/messages.js';
import { parseRoute, routeHash } from '../src/pages/use-hash-route.js';
import {
  FailedTimersPage,
  badgeText,
  parseTimerKey,
  timerErrorText,
} from '../src/workspace/failed-timers-page.js';
import { WorkspaceProvider } from '../src/workspace/workspace-context.js';
import { CRM_POOL, crmPoolPolicy, ME } from './workspace-fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const NOW = Date.parse('2026-03-02T10:00:00Z');
const pool: Pool = CRM_POOL;
const boss = { ...ME, roles: ['manager'] };

const delayRow: FailedTimer = {
  recordId: '11111111-1111-4111-8111-111111111111',
  poolKey: 'crm',
  timerKey: 'xstate.after.protection.crm.owned',
  dueAt: '2026-03-02T09:00:00.000Z',
  attempts: 2,
  error: { code: 'POOL_ERR_INVALID_DELAY', message: 'delay "protection" days is "soon"' },
  failedAt: '2026-03-02T09:55:00.000Z',
  nextRetryAt: '2026-03-02T10:05:00.000Z',
};
const loopRow: FailedTimer = {
  recordId: '22222222-2222-4222-8222-222222222222',
  poolKey: 'crm',
  timerKey: 'custom-key',
  dueAt: '2026-03-01T09:00:00.000Z',
  attempts: 1,
  error: { code: 'POOL_ERR_TIMER_LOOP', message: 'timer loop: record took more than 100 steps' },
  failedAt: '2026-03-01T09:00:00.000Z',
  nextRetryAt: null,
};

function Workspace({ children, lang = 'en' }: { children: ReactNode; lang?: Lang }) {
  return (
    <I18nProvider lang={lang}>
      <WorkspaceProvider
        me={boss}
        pools={[pool]}
        pool={pool}
        policy={crmPoolPolicy()}
        clockOffset={0}
        reload={() => undefined}
      >
        {children}
      </WorkspaceProvider>
    </I18nProvider>
  );
}

/** The API as the page uses it; `failed` is what the list answers now (a retry may change it). */
function stubApi(state: { failed: FailedTimer[]; afterRetry?: FailedTimer[] }) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      calls.push({ method, url, body });
      const json = (value: unknown, status = 200) =>
        Promise.resolve(new Response(JSON.stringify(value), { status }));
      if (method === 'GET' && url.startsWith('/api/timers/failed?')) {
        return json({ items: state.failed });
      }
      if (method === 'POST' && url === '/api/timers/failed/retry') {
        const retried = state.failed.filter((f) => f.recordId === (body as FailedTimer).recordId);
        if (state.afterRetry) state.failed = state.afterRetry;
        return json({
          items: retried.map((f) => ({ ...f, nextRetryAt: new Date(NOW).toISOString() })),
        });
      }
      if (url === '/api/clock') return json({ now: new Date(NOW).toISOString() });
      if (url === `/api/pools/crm/records/${delayRow.recordId}`) {
        return json({ id: delayRow.recordId, data: { name: 'ACME Trading' } });
      }
      return json({ error: { code: 'POOL_ERR_NOT_FOUND', message: 'not found' } }, 404);
    }),
  );
  return calls;
}

describe('failed timers page', () => {
  it('lists each failed timer in plain words, with its record, attempts and next retry', async () => {
    stubApi({ failed: [delayRow, loopRow] });
    render(
      <Workspace>
        <FailedTimersPage />
      </Workspace>,
    );
    const rows = await screen.findAllByTestId('failed-timer-row');
    expect(rows).toHaveLength(2);
    const [delay, loop] = rows as [HTMLElement, HTMLElement];
    // The title is fetched for the record that exists; the other shows its short id.
    await waitFor(() =>
      expect(within(delay).getByTestId('record-link').textContent).toBe('ACME Trading'),
    );
    expect(within(delay).getByTestId('record-link').getAttribute('href')).toBe(
      `#/pools/crm/records/${delayRow.recordId}`,
    );
    expect(within(loop).getByTestId('record-link').textContent).toBe('22222222');
    const owned = crmPoolPolicy().states['owned']?.label?.en ?? 'owned';
    expect(delay.textContent).toContain(`protection in ${owned}`);
    expect(delay.textContent).toContain('A waiting time could not be worked out');
    expect(delay.textContent).toContain('POOL_ERR_INVALID_DELAY');
    expect(delay.textContent).toContain('delay "protection" days is "soon"');
    expect(within(delay).getByTestId('failed-timer-attempts').textContent).toBe('2');
    expect(within(delay).getByTestId('failed-timer-next').textContent).toContain('(5m)');
    // A parked timer waits for a hand; an unknown key is shown as it is.
    expect(within(loop).getByTestId('failed-timer-next').textContent).toBe(
      'Parked — retry by hand',
    );
    expect(loop.textContent).toContain('custom-key');
    expect(loop.textContent).toContain('kept firing again and again');
  });

  it('retries one timer, confirms it, refreshes the list and reports the count', async () => {
    const calls = stubApi({ failed: [delayRow], afterRetry: [] });
    const onCount = vi.fn();
    render(
      <Workspace>
        <FailedTimersPage onCount={onCount} />
      </Workspace>,
    );
    await waitFor(() => expect(onCount).toHaveBeenLastCalledWith(1));
    fireEvent.click(await screen.findByTestId('failed-timer-retry'));
    await screen.findByTestId('failed-timers-empty');
    expect(screen.getByTestId('failed-timers-empty').textContent).toBe(
      'No failed timers: every timer of this public pool runs.',
    );
    expect(screen.getByTestId('notice').textContent).toContain(
      'The timer of “ACME Trading” is due',
    );
    expect(onCount).toHaveBeenLastCalledWith(0);
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      {
        method: 'POST',
        url: '/api/timers/failed/retry',
        body: { recordId: delayRow.recordId, timerKey: delayRow.timerKey },
      },
    ]);
    expect(calls.find((c) => c.url.startsWith('/api/timers/failed?'))?.url).toBe(
      '/api/timers/failed?pool=crm&limit=100',
    );
  });

  it('at the list limit says older failures are not shown, and fetches at most 25 titles', async () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      ...delayRow,
      recordId: `${String(i).padStart(8, '0')}-1111-4111-8111-111111111111`,
    }));
    const calls = stubApi({ failed: many });
    render(
      <Workspace>
        <FailedTimersPage />
      </Workspace>,
    );
    expect(await screen.findAllByTestId('failed-timer-row')).toHaveLength(100);
    expect(screen.getByText(/The 100 most recent failures are shown/)).toBeTruthy();
    await waitFor(() =>
      expect(calls.filter((c) => c.url.startsWith('/api/pools/crm/records/'))).toHaveLength(25),
    );
  });

  it('reads in Chinese', async () => {
    stubApi({ failed: [loopRow] });
    render(
      <Workspace lang="zh">
        <FailedTimersPage />
      </Workspace>,
    );
    const row = await screen.findByTestId('failed-timer-row');
    expect(screen.getByRole('heading').textContent).toBe('失败的定时器');
    expect(within(row).getByTestId('failed-timer-next').textContent).toBe('已挂起 — 需手动重试');
    expect(row.textContent).toContain('定时器反复触发');
    expect(within(row).getByTestId('failed-timer-retry').textContent).toBe('重试');
  });
});

describe('failed timers helpers', () => {
  it('reads timer keys, badges and error codes', () => {
    expect(parseTimerKey('xstate.after.settle.wait.fresh')).toEqual({
      delay: 'settle',
      state: 'fresh',
    });
    expect(parseTimerKey('xstate.after.remind.crm.owned.active')).toEqual({
      delay: 'remind',
      state: 'owned.active',
    });
    expect(parseTimerKey('custom-key')).toBeNull();
    expect([0, 1, 99, 100, 1000].map(badgeText)).toEqual([null, '1', '99', '99+', '99+']);
    expect(badgeText(null)).toBeNull();
    const { t } = makeI18n('en');
    expect(timerErrorText('POOL_ERR_RULE_BUDGET', t)).toContain('too much work');
    expect(timerErrorText('TypeError', t)).toBe(
      'A step of the policy failed (an action or saving the record).',
    );
  });

  it('routes #/pools/<key>/failed-timers to the page and back', () => {
    const route = parseRoute('#/pools/crm/failed-timers');
    expect(route).toEqual({ page: 'workspace', pool: 'crm', view: 'failed-timers' });
    expect(routeHash(route)).toBe('#/pools/crm/failed-timers');
  });
});
