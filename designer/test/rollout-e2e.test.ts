// End to end in Debian's Chromium: a CRM pool runs v1 with an owned record followed up on day 10
// (released on day 40); the admin sets the release to 45 days, publishes v2 in the designer, rolls
// it out from the publish dialog (preview in plain words, progress to done), and the workspace shows
// the pool on v2 and the record's new release date (day 10 + 45 days).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '../src/workspace/format.js';
import {
  adminToken,
  apiCall,
  ensureDesignerBuilt,
  launchChromium,
  logIn,
  startRuntime,
  type Runtime,
} from '../scripts/harness.js';
import { memoryImage } from '../../runtime-api/test/memory-image.js';

const DAY = 86_400_000;
const POLICY = 'crm-rollout';

interface RecordReply {
  id: string;
  state: string;
  policyVersion: number;
  timers: { delay: string; dueAt: string }[];
}

let runtime: Runtime;
let browser: Browser;
let admin: string;
let start: number;
let recordId: string;

const api = <T = unknown>(method: string, path: string, body?: unknown) =>
  apiCall<T>(runtime.url, admin, method, path, body);
const releaseDue = async () =>
  (await api<RecordReply>('GET', `/api/pools/sales/records/${recordId}`)).timers.find(
    (t) => t.delay === 'release',
  )?.dueAt;

/** v1 from the CRM template, a pool with a rep, a record followed up on day 10; the draft says 45 days. */
async function seed(): Promise<void> {
  admin = await adminToken(runtime.url);
  const rep = await api<{ id: string }>('POST', '/api/users', {
    username: 'rep',
    password: 'rep-password',
    displayName: 'Rep Chen',
    roles: ['member'],
  });
  const template = await api<{ document: Record<string, unknown> }>(
    'GET',
    '/api/templates/crm-customer-pool',
  );
  const document = { ...template.document, id: POLICY };
  await api('POST', '/api/policies', { document });
  await api('POST', `/api/policies/${POLICY}/publish`, { message: 'v1 from the template' });
  await api('POST', '/api/pools', {
    key: 'sales',
    name: { en: 'Sales leads', zh: '销售线索' },
    policyId: POLICY,
    members: [{ userId: rep.id }],
  });
  start = Date.parse((await api<{ now: string }>('GET', '/api/clock')).now);
  recordId = (
    await api<{ id: string }>('POST', '/api/pools/sales/records', {
      data: { name: 'ACME Trading', industry: 'trade' },
      ownerId: rep.id,
    })
  ).id;
  await api('POST', '/api/clock/advance', { days: 10 });
  await api('POST', `/api/pools/sales/records/${recordId}/events`, {
    type: 'FOLLOW_UP',
    payload: { channel: 'call', note: 'asked for a quote' },
  });
  const { draft } = await api<{ draft: { delays: Record<string, unknown> } }>(
    'GET',
    `/api/policies/${POLICY}`,
  );
  draft.delays = { ...draft.delays, release: { days: 45 } };
  await api('PUT', `/api/policies/${POLICY}/draft`, { document: draft });
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

async function adminPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('poolflow.lang', 'en'));
  const page = await context.newPage();
  await logIn(page, runtime.url);
  return page;
}

describe('rollout end to end', () => {
  it(
    'publishes v2, rolls it out to the pool, and the record gets the new release date',
    { timeout: 180_000 },
    async () => {
      // Under v1 the follow-up on day 10 gives a release on day 40.
      expect(await releaseDue()).toBe(new Date(start + 40 * DAY).toISOString());
      const page = await adminPage();
      await page.goto(`${runtime.url}/#/policies/${POLICY}`);
      await page.getByTestId('editor').waitFor();
      await page.getByTestId('publish').click();
      await page.getByTestId('publish-message').fill('Release after 45 days');
      await page.getByTestId('publish-submit').click();

      // The publish dialog names the pool still on v1 and offers the rollout.
      const step = page.getByTestId('published-step');
      await step.waitFor();
      await expect
        .poll(() => step.getByTestId('published-pools').textContent())
        .toContain('Sales leads');
      expect(await step.getByTestId('rollout-offer').textContent()).toBe('Roll out v2 to pools…');
      // Meanwhile the policy list says one pool is behind.
      const list = await page.context().newPage();
      await list.goto(`${runtime.url}/#/`);
      await expect
        .poll(() => list.getByTestId(`policy-${POLICY}`).getByTestId('pools-behind').textContent())
        .toBe('1 pool on an older version');
      await step.getByTestId('rollout-offer').click();

      const dialog = page.getByTestId('rollout-dialog');
      await dialog.waitFor();
      await expect
        .poll(() => dialog.getByTestId('rollout-pool-count').textContent())
        .toBe('1 running record');
      expect(await dialog.getByTestId('rollout-pool-sales').isChecked()).toBe(true);
      expect(await dialog.getByTestId('rollout-timers-recompute').isChecked()).toBe(true);
      await dialog.getByTestId('rollout-preview-button').click();
      const summary = dialog.getByTestId('rollout-summary');
      await summary.waitFor();
      // Release (day 40 -> 55), the reminder 7 days and the escalation 3 days before it all move later.
      expect(await summary.innerText()).toBe(
        [
          '1 running record moves from v1 to v2.',
          'Their timers: 3 fall due later.',
          'No record falls due at once.',
        ].join('\n\n'),
      );
      expect(await dialog.getByTestId('rollout-moves').textContent()).toBe(
        'Owned → Owned (same state): 1',
      );
      expect(await dialog.getByTestId('rollout-problems').count()).toBe(0);
      // Nothing moved yet: the preview wrote nothing.
      expect(await releaseDue()).toBe(new Date(start + 40 * DAY).toISOString());

      await dialog.getByTestId('rollout-start').click();
      const progress = dialog.getByTestId('rollout-progress');
      await expect
        .poll(() => progress.getAttribute('data-status'), { timeout: 30_000 })
        .toBe('done');
      expect(await progress.textContent()).toContain('Done: the pool runs v2.');
      expect(await progress.textContent()).toContain('1 of 1 record moved');
      await dialog.getByTestId('rollout-close').click();

      // The record moved: entered its state on day 10, released 45 days later.
      const newRelease = new Date(start + 55 * DAY).toISOString();
      expect(await releaseDue()).toBe(newRelease);
      const record = await api<RecordReply>('GET', `/api/pools/sales/records/${recordId}`);
      expect(record).toMatchObject({ state: 'owned', policyVersion: 2 });

      // The workspace: the pool runs v2, the record page shows the new release date.
      await page.goto(`${runtime.url}/#/pools/sales/records/${recordId}`);
      await page.getByTestId('record-page').waitFor();
      expect(await page.getByTestId('pool-version').textContent()).toBe(
        'runs Customer public pool v2',
      );
      const release = page.locator('[data-testid=record-timers] li[data-delay=release]');
      // Shown in the pool's time zone (Asia/Shanghai by default), not the browser's.
      const { timeZone } = await api<{ timeZone: string }>('GET', '/api/pools/sales');
      expect(timeZone).toBe('Asia/Shanghai');
      expect(await release.textContent()).toContain(formatDateTime(newRelease, 'en', timeZone));

      // Back on the policy list, no pool is behind any more.
      await list.reload();
      await list.getByTestId(`policy-${POLICY}`).waitFor();
      await list.waitForLoadState('networkidle');
      expect(await list.getByTestId('pools-behind').count()).toBe(0);
      await page.context().close();
    },
  );
});
