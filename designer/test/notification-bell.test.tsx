// @vitest-environment jsdom
// The bell against a real runtime: a rep's reminders newest first, the older ones on request, and a
// reminder opened is read (the count drops, and stays dropped when the server is asked again).
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { User } from '../src/api/auth.api.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { NotificationBell } from '../src/workspace/notification-bell.js';
import { apiCall, type ApiCaller, type Runtime } from '../scripts/harness.js';
import { startCrmRuntime } from './crm-runtime.js';
import { fetchFrom } from './workspace-harness.js';

/** More than the bell's first page (30). */
const CUSTOMERS = 32;

let runtime: Runtime;
let asAdmin: ApiCaller;
let rep: { token: string; me: User };

beforeAll(async () => {
  const crm = await startCrmRuntime({ rep: ['member'] });
  ({ runtime, asAdmin } = crm);
  rep = crm.users['rep']!;
  // One customer an hour, so each reminder (7 days before release) comes an hour after the last.
  for (let i = 1; i <= CUSTOMERS; i++) {
    await asAdmin('POST', '/api/pools/crm/records', {
      data: { name: `Customer ${i}` },
      ownerId: rep.me.id,
    });
    await asAdmin('POST', '/api/clock/advance', { hours: 1 });
  }
  await asAdmin('POST', '/api/clock/advance', { days: 23 });
}, 180_000);

afterAll(() => runtime?.close());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const shown = () =>
  screen.getAllByTestId('notification').map((n) => /Customer \d+/.exec(n.textContent ?? '')?.[0]);
const unreadOnServer = async () =>
  (await apiCall<{ unread: number }>(runtime.url, rep.token, 'GET', '/api/notifications?limit=1'))
    .unread;

describe('the notification bell', () => {
  it('lists the newest reminders, shows older ones on request, and marks one read when opened', async () => {
    fetchFrom(runtime.url, rep.token);
    render(
      <I18nProvider lang="en">
        <NotificationBell />
      </I18nProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('unread-count').textContent).toBe('32'));
    fireEvent.click(screen.getByTestId('bell'));
    await waitFor(() => expect(screen.getAllByTestId('notification')).toHaveLength(30));
    expect(shown().slice(0, 3)).toEqual(['Customer 32', 'Customer 31', 'Customer 30']);

    fireEvent.click(screen.getByTestId('notifications-older'));
    await waitFor(() => expect(screen.getAllByTestId('notification')).toHaveLength(CUSTOMERS));
    expect(shown()).toEqual(
      Array.from({ length: CUSTOMERS }, (_, i) => `Customer ${CUSTOMERS - i}`),
    );
    expect(screen.queryByTestId('notifications-older')).toBeNull();

    // Opening the oldest reminder (from the older page) reads it: the count drops, on the server too.
    const oldest = screen.getAllByTestId('notification')[CUSTOMERS - 1];
    expect(oldest.className).toBe('unread');
    fireEvent.click(oldest.querySelector('a')!);
    await waitFor(() => expect(screen.getByTestId('unread-count').textContent).toBe('31'));
    expect(await unreadOnServer()).toBe(31);
    // Opened again, the bell reads from the server: that one read, the others not.
    fireEvent.click(screen.getByTestId('bell'));
    await waitFor(() => expect(screen.getAllByTestId('notification')).toHaveLength(30));
    fireEvent.click(screen.getByTestId('notifications-older'));
    await waitFor(() => expect(screen.getAllByTestId('notification')).toHaveLength(CUSTOMERS));
    const classes = screen.getAllByTestId('notification').map((n) => n.className);
    expect(classes.filter((c) => c === 'read')).toHaveLength(1);
    expect(classes[CUSTOMERS - 1]).toBe('read');
  });
});
