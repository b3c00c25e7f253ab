// End to end in Debian's Chromium: a record whose release delay reads a text field fails its timer; the
// pool's manager sees it on the Failed timers tab (badge, plain-words error, attempts, next retry),
// retries it (it fails again: attempts go up), and after the data is fixed a retry clears the row.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitPolicy } from '../../runtime-api/test/fixtures/timer-policies.js';
import {
  ADMIN_PASSWORD,
  apiCall,
  ensureDesignerBuilt,
  launchChromium,
  logInAs,
  startRuntime,
  type Runtime,
} from '../scripts/harness.js';
import { memoryImage } from '../../runtime-api/test/memory-image.js';

interface Failed {
  recordId: string;
  attempts: number;
  nextRetryAt: string | null;
}

let runtime: Runtime;
let browser: Browser;
let admin: string;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
let bad: string;
let good: string;

const api = <T = unknown>(token: string, method: string, path: string, body?: unknown) =>
  apiCall<T>(runtime.url, token, method, path, body);
const advance = (minutes: number) => api(admin, 'POST', '/api/clock/advance', { minutes });
const failedList = async () =>
  (await api<{ items: Failed[] }>(tokens['boss'], 'GET', '/api/timers/failed?pool=wait')).items;

async function seed(): Promise<void> {
  const login = async (username: string, password: string) =>
    (
      await apiCall<{ token: string }>(runtime.url, null, 'POST', '/api/auth/login', {
        username,
        password,
      })
    ).token;
  admin = await login('admin', ADMIN_PASSWORD);
  for (const [username, roles] of [
    ['rep', ['member']],
    ['boss', ['manager']],
  ] as const) {
    const user = await api<{ id: string }>(admin, 'POST', '/api/users', {
      username,
      password: `${username}-password`,
      displayName: username === 'boss' ? 'Wang Min' : 'Rep Chen',
      roles,
    });
    ids[username] = user.id;
    tokens[username] = await login(username, `${username}-password`);
  }
  // The fixture's policy, with the record's name as its title.
  const policy = waitPolicy('wait-pool');
  policy['entity'] = { ...(policy['entity'] as object), titleField: 'name' };
  await api(admin, 'POST', '/api/policies', { document: policy });
  await api(admin, 'POST', '/api/policies/wait-pool/publish', { message: 'e2e' });
  await api(admin, 'POST', '/api/pools', {
    key: 'wait',
    name: { en: 'Wait pool', zh: '等待公海' },
    policyId: 'wait-pool',
    members: Object.values(ids).map((userId) => ({ userId })),
  });
  const create = async (data: Record<string, unknown>) =>
    (
      await api<{ id: string }>(admin, 'POST', '/api/pools/wait/records', {
        data,
        ownerId: ids['rep'],
      })
    ).id;
  good = await create({ name: 'Good Co', wait: 5 });
  bad = await create({ name: 'Bad Co', wait: 'soon' });
  // The settle timers fire after a minute: Good Co's release is armed, Bad Co's delay fails.
  await advance(2);
}

beforeAll(async () => {
  await ensureDesignerBuilt();
  runtime = await startRuntime(memoryImage());
  browser = await launchChromium();
  await seed();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

async function pageFor(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('poolflow.lang', 'en'));
  const page = await context.newPage();
  await logInAs(page, runtime.url, username, `${username}-password`);
  return page;
}

describe('failed timers end to end', () => {
  it('a rep has no Failed timers tab', { timeout: 60_000 }, async () => {
    const page = await pageFor('rep');
    await page.getByTestId('ws-tab-mine').waitFor();
    expect(await page.getByTestId('ws-tab-failed-timers').count()).toBe(0);
    await page.context().close();
  });

  it(
    'a manager sees the failed timer, retries it, and after the fix the row is gone',
    { timeout: 180_000 },
    async () => {
      const page = await pageFor('boss');
      await page.goto(`${runtime.url}/#/pools/wait`);
      // The tab carries the count; the page lists the one failed timer in plain words.
      await expect.poll(() => page.getByTestId('failed-timers-badge').textContent()).toBe('1');
      await page.getByTestId('ws-tab-failed-timers').click();
      const rows = page.getByTestId('failed-timer-row');
      await expect.poll(() => rows.count()).toBe(1);
      const row = rows.first();
      expect(await row.getAttribute('data-record')).toBe(bad);
      expect(await row.getAttribute('data-code')).toBe('POOL_ERR_INVALID_DELAY');
      await expect.poll(() => row.getByTestId('record-link').textContent()).toBe('Bad Co');
      expect(await row.getByTestId('record-link').getAttribute('href')).toBe(
        `#/pools/wait/records/${bad}`,
      );
      const text = await row.textContent();
      expect(text).toContain("A waiting time could not be worked out from the record's data");
      expect(text).toContain('settle in fresh');
      // Only the bad record stalled: the good one's settle timer ran.
      const goodRecord = await api<{ state: string }>(
        tokens['boss'],
        'GET',
        `/api/pools/wait/records/${good}`,
      );
      expect(goodRecord.state).toBe('owned');
      expect(await row.getByTestId('failed-timer-attempts').textContent()).toBe('1');
      const [first] = await failedList();
      expect(
        await row.getByTestId('failed-timer-next').locator('time').getAttribute('datetime'),
      ).toBe(first.nextRetryAt);
      expect(await row.getByTestId('failed-timer-next').textContent()).toContain('(1m)');

      // Retry with the data still bad: due now; the sweep fails it again, so attempts go up.
      await row.getByTestId('failed-timer-retry').click();
      await expect
        .poll(() => page.getByTestId('notice').textContent())
        .toContain('The timer of “Bad Co” is due again now');
      await expect.poll(() => row.getByTestId('failed-timer-next').textContent()).toBe('Due now');
      await advance(1);
      await page.getByTestId('failed-timers-refresh').click();
      await expect.poll(() => row.getByTestId('failed-timer-attempts').textContent()).toBe('2');
      const [second] = await failedList();
      expect(second.attempts).toBe(2);
      expect(
        await row.getByTestId('failed-timer-next').locator('time').getAttribute('datetime'),
      ).toBe(second.nextRetryAt);
      expect(await row.getByTestId('failed-timer-next').textContent()).toContain('(5m)');

      // The owner fixes the wait; a retry and the next sweep run the timer: the list empties.
      await api(tokens['rep'], 'POST', `/api/pools/wait/records/${bad}/events`, {
        type: 'FIX',
        payload: { wait: 5 },
      });
      await row.getByTestId('failed-timer-retry').click();
      await expect.poll(() => row.getByTestId('failed-timer-next').textContent()).toBe('Due now');
      await advance(1);
      await page.getByTestId('failed-timers-refresh').click();
      await page.getByTestId('failed-timers-empty').waitFor();
      expect(await page.getByTestId('failed-timers-empty').textContent()).toBe(
        'No failed timers: every timer of this pool runs.',
      );
      expect(await page.getByTestId('failed-timers-badge').count()).toBe(0);
      const record = await api<{ state: string }>(
        tokens['boss'],
        'GET',
        `/api/pools/wait/records/${bad}`,
      );
      expect(record.state).toBe('owned');
      await page.context().close();
    },
  );
});
