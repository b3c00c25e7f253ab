// Screenshots of the rollout dialog for the README: `npm run build -w @poolflow/designer && node
// --import tsx designer/scripts/rollout-screenshots.ts` seeds two CRM pools on v1 (records followed up
// on different days, some released; three North customers are East's again), shortens the protection
// period to 21 days and makes names unique (查重) in the draft, publishes v2 in the designer, previews
// the rollout and runs it, and writes
// docs/screenshots/rollout-preview.png and rollout-progress.png (the publish step, the Chinese preview
// and the workspace header go to /tmp/rollout-*.png for a look).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, apiCall, logIn, startScreenshots } from './harness.js';

const POLICY = 'crm-customer-pool';

const { out, runtime, browser } = await startScreenshots();

try {
  const admin = (
    await apiCall<{ token: string }>(runtime.url, null, 'POST', '/api/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    })
  ).token;
  const call = <T = unknown>(method: string, path: string, body?: unknown) =>
    apiCall<T>(runtime.url, admin, method, path, body);
  const rep = await call<{ id: string }>('POST', '/api/users', {
    username: 'rep',
    password: 'rep-password',
    displayName: 'Rep Chen',
    roles: ['member'],
  });
  const template = await call<{ document: object }>('GET', `/api/templates/${POLICY}`);
  await call('POST', '/api/policies', { document: template.document });
  await call('POST', `/api/policies/${POLICY}/publish`, { message: 'From the template' });
  const pools = {
    east: { en: 'Sales East', zh: '华东销售公海' },
    north: { en: 'Sales North', zh: '华北销售公海' },
  };
  const records: Record<string, string[]> = { east: [], north: [] };
  for (const [key, name] of Object.entries(pools)) {
    await call('POST', '/api/pools', {
      key,
      name,
      policyId: POLICY,
      members: [{ userId: rep.id }],
    });
    for (let i = 0; i < (key === 'east' ? 150 : 40); i++) {
      const { id } = await call<{ id: string }>('POST', `/api/pools/${key}/records`, {
        // North's first three are East's customers again: v2's duplicate check lists them.
        data: {
          name: key === 'north' && i < 3 ? `Customer east ${i + 1}` : `Customer ${key} ${i + 1}`,
          industry: 'trade',
        },
        ownerId: rep.id,
      });
      records[key].push(id);
    }
  }
  const followUp = (pool: string, id: string) =>
    call('POST', `/api/pools/${pool}/records/${id}/events`, {
      type: 'FOLLOW_UP',
      payload: { channel: 'call', note: 'asked for a quote' },
    });
  // Day 5: most records are followed up; day 20: some again; day 28: a few are released by hand.
  await call('POST', '/api/clock/advance', { days: 5 });
  for (const [pool, ids] of Object.entries(records))
    for (const id of ids.slice(0, Math.round(ids.length * 0.7))) await followUp(pool, id);
  await call('POST', '/api/clock/advance', { days: 15 });
  for (const [pool, ids] of Object.entries(records))
    for (const id of ids.slice(0, Math.round(ids.length * 0.4))) await followUp(pool, id);
  await call('POST', '/api/clock/advance', { days: 8 });
  for (const [pool, ids] of Object.entries(records))
    for (const id of ids.slice(-5))
      await call('POST', `/api/pools/${pool}/records/${id}/release`, { reason: 'not a fit' });
  const { draft } = await call<{
    draft: { delays: Record<string, unknown>; entity: Record<string, unknown> };
  }>('GET', `/api/policies/${POLICY}`);
  draft.delays = { ...draft.delays, release: { days: 21 } };
  draft.entity = { ...draft.entity, uniqueFields: ['name'] };
  await call('PUT', `/api/policies/${POLICY}/draft`, { document: draft });

  const open = async (lang: 'en' | 'zh'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    await context.addInitScript((l) => localStorage.setItem('poolflow.lang', l), lang);
    const page = await context.newPage();
    await logIn(page, runtime.url);
    await page.goto(`${runtime.url}/#/policies/${POLICY}`);
    await page.getByTestId('editor').waitFor();
    return page;
  };
  const previewIn = async (page: Page) => {
    const dialog = page.getByTestId('rollout-dialog');
    await dialog.waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=rollout-pool-count]').length === 2,
    );
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=rollout-pool-count]')].every((e) =>
        /\d/.test(e.textContent ?? ''),
      ),
    );
    await dialog.getByTestId('rollout-preview-button').click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=rollout-preview]').length === 2,
    );
  };
  const shot = async (page: Page, name: string, dir = out) => {
    await page.locator('.dialog').screenshot({ path: join(dir, `${name}.png`) });
    console.log(join(dir, `${name}.png`));
  };

  // English: publish v2 in the designer, roll it out from the publish dialog.
  const page = await open('en');
  await page.getByTestId('publish').click();
  await page.getByTestId('publish-message').fill('Protection period 21 days; unique names');
  await page.getByTestId('publish-submit').click();
  await page.getByTestId('published-pools').waitFor();
  await shot(page, 'rollout-published', '/tmp');
  await page.getByTestId('rollout-offer').click();
  await previewIn(page);
  await shot(page, 'rollout-preview');

  // Chinese: the same preview from the toolbar's Roll out button (nothing has moved yet).
  const zh = await open('zh');
  await zh.getByTestId('rollout-open').click();
  await previewIn(zh);
  await shot(zh, 'rollout-preview-zh', '/tmp');
  await zh.context().close();

  await page.getByTestId('rollout-start').click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=rollout-progress]')].every(
      (e) => e.getAttribute('data-status') !== 'running',
    ),
  );
  await page.waitForTimeout(500); // the bar's width transition
  await shot(page, 'rollout-progress');
  await page.getByTestId('rollout-close').click();
  await page.goto(`${runtime.url}/#/pools/east`);
  await page.getByTestId('pool-version').waitFor();
  await page.locator('.workspace-nav').screenshot({ path: '/tmp/rollout-pool-version.png' });
} finally {
  await browser.close();
  await runtime.close();
}
