// Screenshots of the pool workspace for the README, on the demo data of `npm run demo`:
// `npm run build && node --import tsx designer/scripts/workspace-screenshots.ts` seeds a fresh demo
// database in a temporary folder, serves it, and writes docs/screenshots/workspace-*.png.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../../runtime-api/src/app.js';
import {
  ADMIN_PASSWORD,
  apiCall,
  designerDir,
  ensureDesignerBuilt,
  launchChromium,
  logInAs,
} from './harness.js';

const out = join(designerDir, '..', 'docs', 'screenshots');
const demoScript = join(designerDir, '..', 'runtime-api', 'src', 'demo.ts');
const DEMO_PASSWORD = 'poolflow-demo';
mkdirSync(out, { recursive: true });

interface Rec {
  id: string;
  state: string;
  pooled: boolean;
  ownerId: string | null;
  tags: string[];
  data: Record<string, unknown>;
}

async function shot(page: Page, name: string): Promise<void> {
  // Clicking a row scrolls the page; each screen is shown from its top.
  await page.evaluate(() => document.querySelector('.page')?.scrollTo(0, 0));
  // …and on its final frame: CSS transitions (the progress bar) finished.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

// 1. The demo database, exactly as `npm run demo` seeds it.
const dataDir = mkdtempSync(join(tmpdir(), 'poolflow-demo-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  POOLFLOW_DATA_DIR: dataDir,
  POOLFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
};
delete env['DATABASE_URL'];
execFileSync(process.execPath, ['--import', 'tsx', demoScript], { env, stdio: 'inherit' });

await ensureDesignerBuilt();
const app = await buildApp({ dataDir, clock: 'system', secret: 'screenshots' });
await app.sweeper.sweepAll(); // what fell due since seeding, as `npm start` does at once
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const browser: Browser = await launchChromium();

const token = async (username: string) =>
  (
    await apiCall<{ token: string }>(url, null, 'POST', '/api/auth/login', {
      username,
      password: DEMO_PASSWORD,
    })
  ).token;
const list = async (as: string, query: string) =>
  (await apiCall<{ items: Rec[] }>(url, as, 'GET', `/api/pools/crm/records?${query}`)).items;

async function open(
  username: string,
  lang: 'en' | 'zh',
  height = 900,
  width = 1440,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  await context.addInitScript((l) => localStorage.setItem('poolflow.lang', l), lang);
  const page = await context.newPage();
  await logInAs(page, url, username, DEMO_PASSWORD);
  return page;
}

try {
  const [alice, carol, manager] = await Promise.all(['alice', 'carol', 'manager'].map(token));
  // 2. A morning's work on top of the demo: carol (senior) works four long-pooled customers and
  // wins two; alice gives one of hers back, which she may not take again for seven days.
  const waiting = (await list(carol, 'view=pool&sort=updated&limit=200')).slice(-4);
  for (const [i, r] of waiting.entries()) {
    await apiCall(url, carol, 'POST', `/api/pools/crm/records/${r.id}/claim`);
    await apiCall(url, carol, 'POST', `/api/pools/crm/records/${r.id}/events`, {
      type: 'FOLLOW_UP',
      payload: { channel: 'visit', note: 'met the buyer, sent a quote' },
    });
    if (i < 2)
      await apiCall(url, carol, 'POST', `/api/pools/crm/records/${r.id}/events`, { type: 'WIN' });
  }
  const given = (await list(alice, 'view=mine&state=owned&limit=5'))[0];
  await apiCall(url, alice, 'POST', `/api/pools/crm/records/${given.id}/release`, {
    reason: 'budget frozen until Q3',
  });
  // The demo's routing sends hard records to the seniors' pool: one may be left in "crm" or none.
  const hard = (await list(alice, 'view=pool&tag=hard&limit=1'))[0] ?? given;
  const review = (await list(manager, 'view=all&state=review&limit=1'))[0] ?? hard;

  // 3. A rep: the pool (the reclaim off, with the date), her records, a follow-up form.
  for (const lang of ['en', 'zh'] as const) {
    const page = await open('alice', lang);
    await page.getByTestId('pool-row').first().waitFor();
    // Find the record by name: its Claim is off with the reason; then show the whole pool.
    const target = lang === 'en' ? given : hard;
    await page.getByTestId('filter-q').fill(String(target.data['name']));
    const row = page.locator(`[data-testid=pool-row][data-id="${target.id}"]`);
    await row.getByTestId('claim-reason').waitFor();
    await page.getByTestId('filter-q').fill('');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=pool-row]').length > 10,
    );
    await shot(page, lang === 'en' ? 'workspace-pool' : 'workspace-pool-zh');

    await page.getByTestId('ws-tab-mine').click();
    await page.getByTestId('countdown').first().waitFor();
    await shot(page, lang === 'en' ? 'workspace-my-records' : 'workspace-my-records-zh');
    if (lang === 'en') {
      await page.getByTestId('mine-row').first().getByTestId('event-FOLLOW_UP').click();
      await page.locator('#event-FOLLOW_UP_channel').selectOption('call');
      await page
        .locator('#event-FOLLOW_UP_note')
        .fill('Asked for a quote for 40 seats; call back Friday.');
      await shot(page, 'workspace-follow-up');
      await page.keyboard.press('Escape');
      await page.getByTestId('bell').click();
      await page.getByTestId('notifications').waitFor();
      await shot(page, 'workspace-notifications');
    }
    await page.context().close();
  }

  // 4. A manager: a record's whole story, bulk assignment, analytics, import and export.
  for (const lang of ['en', 'zh'] as const) {
    const page = await open('manager', lang);
    await page.goto(`${url}/#/pools/crm/records/${review.id}`);
    await page.getByTestId('timeline-entry').first().waitFor();
    await shot(page, lang === 'en' ? 'workspace-record' : 'workspace-record-zh');
    if (lang === 'en') {
      // A correction of the fields: the pool's fields as a form, and what an edit does not do.
      await page.getByTestId('edit-record').click();
      await page.locator('#edit-record_phone').fill('13900001234');
      await shot(page, 'workspace-record-edit');
    }
    await page.context().close();

    const tall = await open('manager', lang, 1560);
    await tall.goto(`${url}/#/pools/crm/analytics`);
    await tall.getByTestId('flow-chart').waitFor();
    await tall.getByTestId('claims-chart').waitFor();
    await shot(tall, lang === 'en' ? 'workspace-analytics' : 'workspace-analytics-zh');
    await tall.context().close();
  }

  const page = await open('manager', 'en');
  await page.getByTestId('pool-row').first().waitFor();
  for (const row of (await page.getByTestId('row-check').all()).slice(1, 4)) await row.check();
  await page.getByTestId('bulk-user').selectOption({ label: 'Bob Li' });
  await shot(page, 'workspace-manager');

  await page.goto(`${url}/#/pools/crm/import`);
  // Three rows with a bad industry, and one wrong in its level, its urgency and its owner at once.
  const rows = ['name,industry,level,urgency,phone,ownerId'];
  for (let i = 1; i <= 1200; i++) {
    const bad = i % 400 === 0 ? 'aviation' : ['software', 'trade', 'retail'][i % 3];
    const [level, urgency, owner] = i === 777 ? ['Z', 9, 'nobody'] : ['ABC'[i % 3], i % 6, ''];
    rows.push(`Lead ${i},${bad},${level},${urgency},1390000${String(i).padStart(4, '0')},${owner}`);
  }
  await page.getByTestId('import-input').setInputFiles({
    name: 'trade-fair-leads.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`${rows.join('\n')}\n`),
  });
  await page.getByTestId('import-start').click();
  await page.getByTestId('import-report').waitFor();
  await shot(page, 'workspace-import');

  // A rep who left: disabled by an admin, their records found among all records (the owner filter
  // marks them) and given back to the pool with a reason.
  const admin = (
    await apiCall<{ token: string }>(url, null, 'POST', '/api/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    })
  ).token;
  const members = (
    await apiCall<{ members: { userId: string; username: string }[] }>(
      url,
      manager,
      'GET',
      '/api/pools/crm/policy',
    )
  ).members;
  const dave = members.find((m) => m.username === 'dave')!.userId;
  await apiCall(url, admin, 'PATCH', `/api/users/${dave}`, { disabled: true });
  await page.goto(`${url}/#/pools/crm`);
  await page.reload(); // the pool's members as they are now
  await page.getByTestId('scope-all').click();
  await page.getByTestId('filter-owner').selectOption(dave);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=pool-row]').length > 0);
  for (const row of (await page.getByTestId('row-check').all()).slice(0, 6)) await row.check();
  await page.getByTestId('bulk-release-reason').fill('left the company');
  await shot(page, 'workspace-release-bulk');

  // 5. A rep on a phone (390 × 844): her records and the pool as cards.
  const phone = await open('alice', 'en', 844, 390);
  await phone.goto(`${url}/#/pools/crm/mine`);
  await phone.getByTestId('countdown').first().waitFor();
  await shot(phone, 'workspace-phone-my-records');
  await phone.getByTestId('ws-tab-pool').click();
  await phone.getByTestId('pool-row').first().waitFor();
  await shot(phone, 'workspace-phone-pool');
} finally {
  await browser.close();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
