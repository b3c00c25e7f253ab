// @vitest-environment jsdom
// The webhook deliveries page against a stubbed API: rows with status, attempts, last error and target
// host, the status filter, and Retry posting one delivery and showing the refreshed list; in en and zh.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeliveriesPage } from '../src/admin/deliveries-page.js';
import type { Delivery } from '../src/api/deliveries.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const dead: Delivery = {
  id: '7',
  type: 'webhook',
  status: 'dead',
  attempts: 8,
  lastError: 'webhook https://qyapi.weixin.qq.com/ answered 500',
  nextAttemptAt: null,
  target: 'qyapi.weixin.qq.com',
  preset: 'wecom',
};
const delivered: Delivery = { ...dead, id: '6', status: 'delivered', attempts: 1, lastError: null };

function stubApi() {
  const calls: { method: string; url: string }[] = [];
  let rows = [dead, delivered];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      calls.push({ method, url });
      const json = (value: unknown) => Promise.resolve(new Response(JSON.stringify(value)));
      if (method === 'GET' && url.startsWith('/api/deliveries?')) {
        const status = new URLSearchParams(url.split('?')[1]).get('status');
        return json({ items: rows.filter((r) => !status || r.status === status) });
      }
      if (method === 'POST' && url === '/api/deliveries/7/retry') {
        rows = rows.map((r) => (r.id === '7' ? { ...r, status: 'pending', attempts: 0 } : r));
        return json(rows[0]);
      }
      return Promise.resolve(new Response('{}', { status: 404 }));
    }),
  );
  return calls;
}

describe('deliveries page', () => {
  it('lists deliveries, filters by status and retries a dead one', async () => {
    const calls = stubApi();
    render(
      <I18nProvider lang="en">
        <DeliveriesPage />
      </I18nProvider>,
    );
    const row = await screen.findByTestId('delivery-7');
    expect(row.textContent).toContain('qyapi.weixin.qq.com');
    expect(row.textContent).toContain('wecom');
    expect(row.textContent).toContain('Dead');
    expect(row.textContent).toContain('answered 500');
    // A delivered one has nothing to retry.
    expect(within(screen.getByTestId('delivery-6')).queryByRole('button')).toBeNull();

    fireEvent.click(screen.getByTestId('deliveries-filter-dead'));
    await waitFor(() => expect(screen.queryByTestId('delivery-6')).toBeNull());
    expect(calls.at(-1)?.url).toContain('status=dead');

    fireEvent.click(screen.getByTestId('delivery-retry-7'));
    await screen.findByText('Delivery 7 is due again.');
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/deliveries/7/retry')).toBe(
      true,
    );
    // The dead filter no longer lists it: it is pending again.
    await waitFor(() => expect(screen.queryByTestId('delivery-7')).toBeNull());
  });

  it('reads in Chinese', async () => {
    stubApi();
    render(
      <I18nProvider lang="zh">
        <DeliveriesPage />
      </I18nProvider>,
    );
    const row = await screen.findByTestId('delivery-7');
    expect(row.textContent).toContain('死信');
    expect(screen.getByText('Webhook 投递')).toBeTruthy();
  });
});
