// A rep on a phone (390 × 844, as an iPhone 12–15 shows a page), in Debian's Chromium against the real
// runtime: the top bar and My records fit the screen, each record a card whose values are named by
// their columns, and a follow-up is a tap away with its dialog inside the screen and its warning out of
// the way. An admin's page fits it in Chinese. At desktop width the same list stays a table.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  ensureDesignerBuilt,
  launchChromium,
  logIn,
  pageAs,
  startRuntime,
  type Runtime,
} from '../scripts/harness.js';
import { crm } from './fixtures.js';
import { memoryImage } from '../../runtime-api/test/memory-image.js';

const PHONE = { width: 390, height: 844 };

let runtime: Runtime;
let browser: Browser;

beforeAll(async () => {
  await ensureDesignerBuilt();
  runtime = await startRuntime(memoryImage());
  const api = await adminApi(runtime.url);
  const alice = await api<{ id: string }>('POST', '/api/users', {
    username: 'alice',
    password: 'alice-password',
    displayName: 'Alice Zhang',
    roles: ['member'],
  });
  await api('POST', '/api/policies', { document: crm() });
  await api('POST', '/api/policies/crm-customer-pool/publish', { message: 'phone' });
  await api('POST', '/api/pools', {
    key: 'crm',
    name: { en: 'Customer public pool', zh: '客户公海' },
    policyId: 'crm-customer-pool',
    members: [{ userId: alice.id }],
  });
  // Each customer has its own phone: the CRM template checks phones for duplicates.
  for (const [name, phone] of [
    ['Huaxin Logistics', '13845253059'],
    ['Jinmao Software', '13845253060'],
  ])
    await api('POST', '/api/pools/crm/records', {
      data: { name, industry: 'manufacturing', level: 'B', urgency: 3, phone },
      ownerId: alice.id,
    });
  // A day on: a follow-up that counts moves the release a day later, so one that does not is told apart.
  await api('POST', '/api/clock/advance', { days: 1 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

async function myRecords(viewport: { width: number; height: number }): Promise<Page> {
  const page = await pageAs(
    browser,
    runtime.url,
    { username: 'alice', password: 'alice-password' },
    { viewport },
  );
  await page.goto(`${runtime.url}/#/pools/crm/mine`);
  await page.getByTestId('mine-row').first().waitFor();
  return page;
}

/** Whether the element lies wholly within the screen's width (nothing to scroll sideways to). */
async function withinWidth(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not shown`);
  return box.x >= 0 && box.x + box.width <= (page.viewportSize()?.width ?? 0) + 0.5;
}

describe('the workspace on a phone', () => {
  it('fits My records to the screen as cards, each value under its column name, and opens a follow-up inside it', async () => {
    const page = await myRecords(PHONE);
    try {
      // The page itself never scrolls sideways, and the top bar keeps Log out on the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );
      expect(await withinWidth(page, '.top-bar-right button:has-text("Log out")')).toBe(true);
      expect(await withinWidth(page, '[data-testid=current-user]')).toBe(true);
      // Each record a card: no column header row; its release countdown named by its column.
      await expect(page.locator('[data-testid=mine-table] thead').isVisible()).resolves.toBe(false);
      expect(await page.getByTestId('mine-row').count()).toBe(2);
      expect(await withinWidth(page, '[data-testid=mine-row]')).toBe(true);
      const countdownCell = page.locator('[data-testid=mine-row] td:has([data-testid=countdown])');
      const label = await countdownCell
        .first()
        .evaluate((td) => getComputedStyle(td, '::before').content);
      expect(label).toBe('"Back to the public pool in"');
      // Follow up: on the screen, a tap away, and its dialog inside the screen.
      const followUp = page.getByTestId('mine-row').first().getByTestId('event-FOLLOW_UP');
      expect(await withinWidth(page, '[data-testid=mine-row] [data-testid=event-FOLLOW_UP]')).toBe(
        true,
      );
      await followUp.click();
      await page.getByTestId('event-form-FOLLOW_UP').waitFor();
      expect(await withinWidth(page, '.dialog')).toBe(true);
      // The whole width of the screen, and read from the left (the card's values align right).
      const dialog = await page.locator('.dialog').evaluate((d) => ({
        width: d.getBoundingClientRect().width,
        align: getComputedStyle(d).textAlign,
      }));
      expect(dialog.width).toBeGreaterThan(PHONE.width * 0.9);
      expect(['left', 'start']).toContain(dialog.align);
      // A note too short to count is recorded with a warning that waits until tapped: the last card's
      // buttons can still be scrolled clear of it (it covered them, with nothing below to scroll to).
      await page.locator('#event-FOLLOW_UP_channel').selectOption('call');
      await page.locator('#event-FOLLOW_UP_note').fill('short');
      await page.getByTestId('event-submit').click();
      const warning = page.locator('[data-testid=notice][data-tone=warn]');
      await warning.waitFor();
      expect(await withinWidth(page, '[data-testid=notice]')).toBe(true);
      const last = page.getByTestId('mine-row').last().getByTestId('event-FOLLOW_UP');
      // Scrolled to the end of whatever scrolls the list (the page, or a box around it).
      await last.evaluate((button) => {
        let box: Element | null = button.parentElement;
        while (
          box &&
          !(box.scrollHeight > box.clientHeight && getComputedStyle(box).overflowY !== 'visible')
        )
          box = box.parentElement;
        (box ?? document.scrollingElement)!.scrollTop = 1e9;
      });
      const lastButton = await last.boundingBox();
      const notice = await warning.boundingBox();
      expect(lastButton!.y + lastButton!.height).toBeLessThanOrEqual(notice!.y);
    } finally {
      await page.context().close();
    }
  });

  it("keeps an admin's Log out on the screen beside three sections, and the users list within it", async () => {
    const page = await (await browser.newContext({ viewport: PHONE })).newPage();
    try {
      await logIn(page, runtime.url);
      await page.goto(`${runtime.url}/#/admin/users`);
      await page.getByTestId('user-table').waitFor();
      expect(await withinWidth(page, '.top-bar-right button:has-text("Log out")')).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );
      expect(await withinWidth(page, '[data-testid=user-table] tbody tr')).toBe(true);
      // Departments and the New department card one under the other: side by side the card took the
      // width and covered the list.
      await page.goto(`${runtime.url}/#/admin/departments`);
      const [list, card] = await page
        .locator('[data-testid=admin-departments] > *')
        .evaluateAll((parts) => parts.map((p) => p.getBoundingClientRect().toJSON() as DOMRect));
      expect(list.width).toBeGreaterThan(PHONE.width * 0.8);
      expect(card.top).toBeGreaterThanOrEqual(list.bottom);
    } finally {
      await page.context().close();
    }
  });

  it("keeps the Chinese admin page's title on one line, its sections and user count beside or under it", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    await context.addInitScript(() => localStorage.setItem('poolflow.lang', 'zh'));
    const page = await context.newPage();
    try {
      await logIn(page, runtime.url);
      await page.goto(`${runtime.url}/#/admin/users`);
      await page.getByTestId('user-table').waitFor();
      // 管理 read one character a line beside the section buttons, and "6 个用户" two lines.
      for (const selector of ['.admin-title h1', '.admin-count']) {
        const oneLine = await page.locator(selector).evaluate((e) => {
          const style = getComputedStyle(e);
          return e.getBoundingClientRect().height < parseFloat(style.fontSize) * 2;
        });
        expect(oneLine, selector).toBe(true);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );
    } finally {
      await context.close();
    }
  });

  it('keeps My records a table with its header at desktop width', async () => {
    const page = await myRecords({ width: 1280, height: 800 });
    try {
      await expect(page.locator('[data-testid=mine-table] thead').isVisible()).resolves.toBe(true);
      const countdownCell = page.locator('[data-testid=mine-row] td:has([data-testid=countdown])');
      expect(
        await countdownCell.first().evaluate((td) => getComputedStyle(td, '::before').content),
      ).toBe('none');
      // One row, one line: the name, countdown and buttons side by side.
      const row = await page.getByTestId('mine-row').first().boundingBox();
      expect(row?.height).toBeLessThan(90);
    } finally {
      await page.context().close();
    }
  });
});
