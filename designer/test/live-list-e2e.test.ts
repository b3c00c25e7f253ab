// Two reps in Chromium against the real runtime: what rep A claims leaves rep B's pool list within 2 s
// (measured, no reload), as does one a manager assigns; B sees Claim disabled with the reason for a record in cooldown and a hard one.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  apiCall,
  screenshotsDir,
  logInAs,
  openBrowserSession,
  type BrowserSession,
} from '../scripts/harness.js';
import { crm } from './fixtures.js';

const ROUNDS = 5;

let session: BrowserSession;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const records: Record<string, string> = {};
let admin: string;

const api = <T = unknown>(token: string, method: string, path: string, body?: unknown) =>
  apiCall<T>(session.runtime.url, token, method, path, body);

async function seed(): Promise<void> {
  const url = session.runtime.url;
  admin = await adminToken(url);
  for (const name of ['amy', 'bob', 'cid', 'dan']) {
    const user = await api<{ id: string }>(admin, 'POST', '/api/users', {
      username: name,
      password: `${name}-password`,
      displayName: name,
      roles: ['member'],
      attributes: { seniority: 'junior' },
    });
    ids[name] = user.id;
    tokens[name] = (
      await apiCall<{ token: string }>(url, null, 'POST', '/api/auth/login', {
        username: name,
        password: `${name}-password`,
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
  const names = [
    'Cooled Co',
    'Hard Co',
    'Assigned Co',
    ...Array.from({ length: ROUNDS }, (_, i) => `Race ${i}`),
  ];
  for (const name of names) {
    const r = await api<{ id: string }>(admin, 'POST', '/api/pools/crm/records', {
      data: { name, industry: 'trade', level: 'B', urgency: 1 },
      ownerId: null,
    });
    records[name] = r.id;
  }
  // Bob released one himself (cooldown); two others claimed and released another (hard: 3 entries).
  const claimRelease = async (user: string, id: string) => {
    await api(tokens[user], 'POST', `/api/pools/crm/records/${id}/claim`);
    await api(tokens[user], 'POST', `/api/pools/crm/records/${id}/release`, {
      reason: 'duplicate',
    });
  };
  await claimRelease('bob', records['Cooled Co']);
  await claimRelease('cid', records['Hard Co']);
  await claimRelease('dan', records['Hard Co']);
}

async function poolPage(username: string): Promise<Page> {
  const context = await session.browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('poolflow.lang', 'en'));
  const page = await context.newPage();
  await logInAs(page, session.runtime.url, username, `${username}-password`);
  await page.getByTestId('pool-view').waitFor();
  return page;
}

const row = (page: Page, id: string) => page.locator(`[data-testid=pool-row][data-id="${id}"]`);

beforeAll(async () => {
  session = await openBrowserSession();
  await seed();
}, 300_000);

afterAll(() => session?.close());

describe('live pool lists', () => {
  it(
    'drops the row rep A claimed from rep B’s list within 2 s, without reload',
    { timeout: 180_000 },
    async () => {
      const a = await poolPage('amy');
      const b = await poolPage('bob');
      const took: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const id = records[`Race ${i}`];
        await row(b, id).waitFor();
        const claimed = a.waitForResponse((r) => r.url().endsWith(`/records/${id}/claim`));
        await row(a, id).getByTestId('claim').click();
        expect((await claimed).status()).toBe(200);
        const start = Date.now();
        await row(b, id).waitFor({ state: 'detached', timeout: 2000 });
        took.push(Date.now() - start);
      }
      took.sort((x, y) => x - y);
      console.log(`taken row left the other rep's list after ms: ${took.join(', ')}`);
      expect(took[took.length - 1]).toBeLessThan(2000);

      // A record a manager hands out (as Distribute now does) leaves the list the same way.
      const assigned = records['Assigned Co'];
      await row(b, assigned).waitFor();
      await api(admin, 'POST', `/api/pools/crm/records/${assigned}/assign`, { userId: ids['dan'] });
      await row(b, assigned).waitFor({ state: 'detached', timeout: 2000 });

      // Bob's page was never reloaded: the cooldown and hard rows say why Claim is off.
      const cooled = row(b, records['Cooled Co']);
      expect(await cooled.getByTestId('claim').isDisabled()).toBe(true);
      expect(await cooled.getByTestId('claim-reason').innerText()).toContain(
        'you may claim it again from',
      );
      const hard = row(b, records['Hard Co']);
      expect(await hard.getByTestId('claim').isDisabled()).toBe(true);
      expect(await hard.getByTestId('claim-reason').innerText()).toContain(
        'only a senior rep may claim',
      );
      expect(await b.getByTestId('claims-left').innerText()).toMatch(/^\d+ claims left today$/);
      const out = screenshotsDir();
      if (out) await b.screenshot({ path: join(out, 'pool-claimable.png') });
    },
  );

  it(
    'keeps rows loaded by “Load more” live too: one taken on the second page leaves within 2 s',
    { timeout: 120_000 },
    async () => {
      // 55 records that outrank the rest (urgency 3) push "Deep Co" (urgency 0) to the second page.
      for (let i = 0; i < 55; i++) {
        await api(admin, 'POST', '/api/pools/crm/records', {
          data: { name: `Filler ${i}`, industry: 'trade', level: 'B', urgency: 3 },
          ownerId: null,
        });
      }
      const deep = (
        await api<{ id: string }>(admin, 'POST', '/api/pools/crm/records', {
          data: { name: 'Deep Co', industry: 'trade', level: 'B', urgency: 0 },
          ownerId: null,
        })
      ).id;
      const b = await poolPage('bob');
      await b.getByTestId('pool-row').first().waitFor();
      expect(await row(b, deep).count()).toBe(0);
      await b.getByTestId('load-more').click();
      await row(b, deep).waitFor();
      await api(admin, 'POST', `/api/pools/crm/records/${deep}/assign`, { userId: ids['dan'] });
      const start = Date.now();
      await row(b, deep).waitFor({ state: 'detached', timeout: 2000 });
      console.log(`taken row on the second page left after ${Date.now() - start} ms`);
      // The first page is still there: the window was read again, not cut to one page.
      expect(await b.getByTestId('pool-row').count()).toBeGreaterThan(50);
    },
  );
});
