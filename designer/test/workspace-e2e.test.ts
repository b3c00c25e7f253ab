// End to end in Debian's Chromium against the real runtime (in-memory database, manual clock), seeded
// through the API: a rep sees the pool by score, claims, releases and sees the reclaim disabled with the
// cooldown's date; a manager assigns in bulk; the analytics page draws the seeded flows; a
// recruiter reads her talent pool as 人才库, never the CRM's 公海.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  apiCall,
  ensureDesignerBuilt,
  launchChromium,
  logInAs,
  startRuntime,
  type Runtime,
} from '../scripts/harness.js';
import { crm, loadTemplate } from './fixtures.js';
import { memoryImage } from '../../runtime-api/test/memory-image.js';

const DAY = 86_400_000;

interface SeededRecord {
  id: string;
  name: string;
  score: number;
}

let runtime: Runtime;
let browser: Browser;
let admin: string;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const pooled: SeededRecord[] = [];
let aliceOwn: SeededRecord;

const api = <T = unknown>(token: string, method: string, path: string, body?: unknown) =>
  apiCall<T>(runtime.url, token, method, path, body);

async function seed(): Promise<void> {
  admin = await adminToken(runtime.url);
  const people = [
    { username: 'alice', displayName: 'Alice Zhang', roles: ['member'], seniority: 'junior' },
    { username: 'bob', displayName: 'Bob Li', roles: ['member'], seniority: 'junior' },
    { username: 'boss', displayName: 'Wang Min', roles: ['manager'], seniority: 'senior' },
  ];
  for (const p of people) {
    const user = await api<{ id: string }>(admin, 'POST', '/api/users', {
      username: p.username,
      password: `${p.username}-password`,
      displayName: p.displayName,
      roles: p.roles,
      attributes: { seniority: p.seniority },
    });
    ids[p.username] = user.id;
    tokens[p.username] = (
      await apiCall<{ token: string }>(runtime.url, null, 'POST', '/api/auth/login', {
        username: p.username,
        password: `${p.username}-password`,
      })
    ).token;
  }
  await api(admin, 'POST', '/api/policies', { document: crm() });
  await api(admin, 'POST', '/api/policies/crm-customer-pool/publish', { message: 'e2e' });
  await api(admin, 'POST', '/api/pools', {
    key: 'crm',
    name: { en: 'Customer public pool', zh: '客户公海' },
    policyId: 'crm-customer-pool',
    members: Object.values(ids).map((userId) => ({ userId })),
  });
  // Unowned customers straight into the pool, with different priority scores.
  const customers = [
    { name: 'Acme Software', industry: 'software', level: 'A', urgency: 5, phone: '13800000001' },
    { name: 'Beta Trading', industry: 'trade', level: 'B', urgency: 2, phone: '13800000002' },
    { name: 'Gamma Foods', industry: 'retail', level: 'C', urgency: 1, phone: '13800000003' },
    { name: 'Delta Finance', industry: 'finance', level: 'A', urgency: 3, phone: '13800000004' },
    { name: 'Epsilon Works', industry: 'manufacturing', level: 'B', urgency: 0 },
    { name: 'Zeta Schools', industry: 'education', level: 'C', urgency: 4 },
  ];
  for (const data of customers) {
    const r = await api<{ id: string; score: number }>(admin, 'POST', '/api/pools/crm/records', {
      data,
      ownerId: null,
    });
    pooled.push({ id: r.id, name: data.name, score: r.score });
  }
  const own = await api<{ id: string; score: number }>(admin, 'POST', '/api/pools/crm/records', {
    data: { name: 'Alice Own Co', industry: 'trade', level: 'B', urgency: 2 },
    ownerId: ids['alice'],
  });
  aliceOwn = { id: own.id, name: 'Alice Own Co', score: own.score };
  // A day later bob claims one from the pool: an outflow for the analytics.
  await api(admin, 'POST', '/api/clock/advance', { days: 1 });
  const zeta = pooled.find((r) => r.name === 'Zeta Schools')!;
  await api(tokens['bob'], 'POST', `/api/pools/crm/records/${zeta.id}/claim`);
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

async function pageFor(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('poolflow.lang', 'en'));
  const page = await context.newPage();
  await logInAs(page, runtime.url, username, `${username}-password`);
  return { context, page };
}

const rowOf = (page: Page, name: string) =>
  page.locator('[data-testid=pool-row]', { hasText: name });

describe('workspace end to end', () => {
  it(
    'a rep works the pool: by score, claim, release, refused reclaim with the cooldown date',
    {
      timeout: 180_000,
    },
    async () => {
      const { context, page } = await pageFor('alice');
      // Reps land in the workspace's pool view, highest score first.
      await page.getByTestId('pool-view').waitFor();
      const rows = page.getByTestId('pool-row');
      await expect.poll(() => rows.count()).toBe(5); // Zeta went to bob
      const scores = (
        await rows.evaluateAll((els) => els.map((e) => Number(e.dataset['score'])))
      ).map(Number);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const best = pooled
        .filter((r) => r.name !== 'Zeta Schools')
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))[0];
      expect(await rows.first().getAttribute('data-id')).toBe(best.id);
      // The phone is masked in the pool.
      await expect.poll(() => rowOf(page, 'Beta Trading').getByTestId('masked').count()).toBe(1);
      expect(await rowOf(page, 'Beta Trading').textContent()).not.toContain('13800000002');

      // Claim the best one: it leaves the pool and is alice's.
      await rows.first().getByTestId('claim').click();
      await page.getByTestId('notice').waitFor();
      await rowOf(page, best.name).waitFor({ state: 'detached' });
      const claimed = await api<{ ownerId: string }>(
        tokens['alice'],
        'GET',
        `/api/pools/crm/records/${best.id}`,
      );
      expect(claimed.ownerId).toBe(ids['alice']);

      // My records: both records with a countdown to release; release her own one with a reason.
      await page.getByTestId('ws-tab-mine').click();
      const mine = page.getByTestId('mine-row');
      await expect.poll(() => mine.count()).toBe(2);
      expect(await page.getByTestId('countdown').count()).toBe(2);
      // A follow-up keeps the claimed one; it moves down the list, and the notice says when it is due now.
      const claimedRow = page.locator('[data-testid=mine-row]', { hasText: best.name });
      await claimedRow.getByTestId('event-FOLLOW_UP').click();
      await page.getByTestId('event-form-FOLLOW_UP').waitFor();
      await page.locator('#event-FOLLOW_UP_channel').selectOption('call');
      await page.locator('#event-FOLLOW_UP_note').fill('asked for a quote next week');
      await page.getByTestId('event-submit').click();
      await expect
        .poll(() => page.getByTestId('notice').textContent())
        .toMatch(new RegExp(`“${best.name}” updated: Owned; back to the public pool in \\d+d`));
      const ownRow = page.locator('[data-testid=mine-row]', { hasText: aliceOwn.name });
      await ownRow.getByTestId('event-RELEASE').click();
      await page.getByTestId('event-form-RELEASE').waitFor();
      await page.locator('#event-RELEASE_reason').fill('wrong region');
      await page.getByTestId('event-submit').click();
      await ownRow.waitFor({ state: 'detached' });
      const released = await api<{ state: string; lastRelease: { at: string; reason: string } }>(
        tokens['alice'],
        'GET',
        `/api/pools/crm/records/${aliceOwn.id}`,
      );
      expect(released.state).toBe('pool');
      expect(released.lastRelease.reason).toBe('wrong region');

      // Back in the pool, reclaiming it is off until the 7-day cooldown ends, and the date is shown
      // before any click.
      await page.getByTestId('ws-tab-pool').click();
      const again = rowOf(page, aliceOwn.name);
      await again.waitFor();
      expect(await again.textContent()).toContain('“wrong region”');
      expect(await again.getByTestId('claim').isDisabled()).toBe(true);
      const refusal = again.getByTestId('claim-reason');
      expect(await refusal.getAttribute('data-code')).toBe('POOL_ERR_COOLDOWN');
      const until = new Date(Date.parse(released.lastRelease.at) + 7 * DAY).toISOString();
      expect(await refusal.getAttribute('data-until')).toBe(until);
      const shown = await refusal.textContent();
      expect(shown).toContain('You released it recently: you may claim it again from');
      expect(shown).toContain(String(new Date(until).getUTCFullYear()));
      await context.close();
    },
  );

  it('a manager assigns checked records to a rep', { timeout: 120_000 }, async () => {
    const { context, page } = await pageFor('boss');
    await page.getByTestId('pool-view').waitFor();
    const target = rowOf(page, 'Gamma Foods');
    await target.getByTestId('row-check').check();
    await page.getByTestId('bulk-bar').waitFor();
    await page.getByTestId('bulk-user').selectOption(ids['bob']);
    await page.getByTestId('bulk-assign').click();
    await target.waitFor({ state: 'detached' });
    expect(await page.getByTestId('notice').textContent()).toContain('Assigned 1 record');
    const gamma = pooled.find((r) => r.name === 'Gamma Foods')!;
    const record = await api<{ ownerId: string; state: string }>(
      tokens['boss'],
      'GET',
      `/api/pools/crm/records/${gamma.id}`,
    );
    expect(record).toMatchObject({ ownerId: ids['bob'], state: 'owned' });
    // Its page names the new owner and the assignment in the timeline.
    await page.goto(`${runtime.url}/#/pools/crm/records/${gamma.id}`);
    await expect.poll(() => page.getByTestId('record-owner').textContent()).toBe('Bob Li');
    await page.locator('[data-testid=timeline-entry][data-event=ASSIGN]').waitFor();
    await context.close();
  });

  it(
    'the analytics page draws the seeded inflow, outflow, pool size and claims',
    {
      timeout: 120_000,
    },
    async () => {
      const { context, page } = await pageFor('boss');
      await page.getByTestId('ws-tab-analytics').click();
      await page.getByTestId('flow-chart').waitFor();
      const bars = (selector: string) =>
        page
          .locator(`[data-testid=flow-bar]${selector}`)
          .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
      // Six records created into the pool, two claimed and one assigned out of it, one released back.
      expect((await bars('[data-dir=in][data-kind=create]')).reduce((a, b) => a + b, 0)).toBe(6);
      expect((await bars('[data-dir=out][data-kind=claim]')).reduce((a, b) => a + b, 0)).toBe(2);
      expect((await bars('[data-dir=out][data-kind=assign]')).reduce((a, b) => a + b, 0)).toBe(1);
      expect((await bars('[data-dir=in][data-kind=release]')).reduce((a, b) => a + b, 0)).toBe(1);
      const line = page.getByTestId('pool-size-chart-path');
      expect(Number(await line.getAttribute('data-points'))).toBe(31);
      expect(await line.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){30}$/);
      const claims = page.locator('[data-testid=claims-chart-bar]');
      expect(
        Object.fromEntries(
          await claims.evaluateAll((els) =>
            els.map((e) => [e.getAttribute('data-label'), Number(e.getAttribute('data-value'))]),
          ),
        ),
      ).toEqual({ 'Alice Zhang': 1, 'Bob Li': 1 });
      expect(await page.locator('[data-testid=breakdown-chart-bar]').count()).toBeGreaterThan(0);
      // 6 pooled, minus bob's and alice's claims, plus alice's release, minus the assignment.
      expect(await page.getByTestId('kpi-pooled').locator('.kpi-value').textContent()).toBe('4');
      await context.close();
    },
  );

  it(
    'a recruiter in 中文 claims from her 人才库 and never reads 公海',
    { timeout: 120_000 },
    async () => {
      const li = await api<{ id: string }>(admin, 'POST', '/api/users', {
        username: 'li',
        password: 'li-na-password',
        displayName: 'Li Na',
        roles: ['member'],
      });
      await api(admin, 'POST', '/api/policies', { document: loadTemplate('hr-candidate-pool') });
      await api(admin, 'POST', '/api/policies/hr-candidate-pool/publish', { message: 'e2e' });
      await api(admin, 'POST', '/api/pools', {
        key: 'hr',
        name: { en: 'Recruiting', zh: '招聘' },
        policyId: 'hr-candidate-pool',
        members: [{ userId: li.id }],
      });
      await api(admin, 'POST', '/api/pools/hr/records', {
        data: { name: 'Han Meimei', position: 'Engineer' },
        ownerId: null,
      });
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addInitScript(() => localStorage.setItem('poolflow.lang', 'zh'));
      const page = await context.newPage();
      await logInAs(page, runtime.url, 'li', 'li-na-password');
      await page.getByTestId('pool-view').waitFor();
      expect(await page.getByTestId('ws-tab-pool').textContent()).toBe('人才库');
      expect(await page.getByTestId('pool-view').textContent()).toContain('在人才库'); // a column
      await rowOf(page, 'Han Meimei').getByTestId('claim').click();
      await page.getByTestId('ws-tab-mine').click();
      await page.getByTestId('my-records').getByText('Han Meimei').waitFor();
      expect(await page.getByTestId('my-records').textContent()).toContain('距回人才库');
      await page.getByTestId('my-records').getByText('Han Meimei').click();
      await page.getByTestId('record-page').getByText('进出人才库').waitFor();
      expect(await page.getByTestId('record-timers').textContent()).toContain('释放回人才库');
      const body = (await page.locator('body').textContent()) ?? '';
      expect(body).not.toContain('公海');
      expect(body).not.toContain('{pool');
      await context.close();
    },
  );
});
