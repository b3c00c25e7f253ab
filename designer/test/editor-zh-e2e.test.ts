// In Debian's Chromium: the CRM template opened in 中文 has its edges on ELK's routes with labels that
// overlap neither each other nor the states, no English in the inspector, and a screenshot for the README (with SCREENSHOTS_DIR=docs/screenshots).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  screenshotsDir,
  logIn,
  openBrowserSession,
  type BrowserSession,
  type Runtime,
} from '../scripts/harness.js';
import { canvasBoxes, overlap } from './canvas-boxes.js';

let session: BrowserSession | undefined;
let runtime: Runtime;
let page: Page;

beforeAll(async () => {
  session = await openBrowserSession();
  ({ runtime, page } = session);
}, 300_000);

afterAll(() => session?.close());

/** Labels whose text is wider than the box ELK reserved for it. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.edge-label.routed')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => el.textContent ?? ''),
  );
}

describe('editor in Chinese, in Chromium', () => {
  it(
    'shows the CRM template routed by ELK, labels apart, in Chinese',
    { timeout: 180_000 },
    async () => {
      await logIn(page, runtime.url);
      await page.getByTestId('lang-switch').click();
      await page.getByTestId('clone-crm-customer-pool').click();
      await page.getByTestId('clone-id').fill('crm-zh');
      await page.getByTestId('clone-submit').click();
      await page.getByTestId('editor').waitFor();
      // Every label is drawn in its ELK box once the layout has run.
      await expect
        .poll(() => page.locator('.edge-label.routed').count(), { timeout: 20_000 })
        .toBe(await page.locator('.edge-label').count());
      await page
        .getByTestId('fit-view')
        .click()
        .catch(() => undefined);
      await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );

      // What a screen reader hears on the canvas is Chinese too (React Flow's defaults are English and
      // speak of deleting, which this canvas does not do).
      const spoken = await page.evaluate(() => ({
        node: document.querySelector('[id^="react-flow__node-desc"]')?.textContent,
        edge: document.querySelector('[id^="react-flow__edge-desc"]')?.textContent,
        controls: document.querySelector('.react-flow__controls')?.getAttribute('aria-label'),
      }));
      expect(spoken).toEqual({
        node: '按回车或空格选中状态，在检查器中编辑；选中后可用方向键移动。',
        edge: '按回车或空格选中转换，在检查器中编辑。',
        controls: '画布控制',
      });

      const { labels, nodes } = await canvasBoxes(page);
      // 21 transitions: FOLLOW_UP has a counted and a recorded-only branch in owned and in nurture.
      expect(labels.length).toBe(21);
      const clashes: string[] = [];
      labels.forEach((a, i) => {
        for (const b of labels.slice(i + 1)) if (overlap(a, b)) clashes.push(`${a.id} × ${b.id}`);
        for (const n of nodes) if (overlap(a, n)) clashes.push(`${a.id} × ${n.id}`);
      });
      expect(clashes).toEqual([]);
      // Labels and the claim settings in Chinese: timers by what they do, no raw delay names.
      const labelText = (await page.locator('.edge-label').allTextContents()).join(' ');
      expect(labelText).toContain('提醒 · 转入公海前 7 天');
      expect(labelText).not.toMatch(/remind|escalate|FOLLOW_UP/);

      await page.getByTestId('state-node-review').click();
      await page.getByTestId('state-inspector').waitFor();
      const inspector = (await page.getByTestId('inspector').innerText()).replace(
        /\{\{[^}]*\}\}/g,
        '',
      );
      // Only the state's identifier (review), the rule vocabulary and JSON-logic stay in Latin letters.
      const english = (inspector.match(/[A-Za-z][A-Za-z_]{2,}/g) ?? []).filter(
        (w) => !['review', 'entity', 'instance', 'JSON', 'logic', 'Webhook'].includes(w),
      );
      expect(english).toEqual([]);

      const out = screenshotsDir();
      if (out) await page.screenshot({ path: join(out, 'editor-inspector-zh.png') });
      await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
      if (out) await page.screenshot({ path: join(out, 'editor-routed-zh.png') });
      expect(await overflowing(page)).toEqual([]);

      // The same layout serves English: its labels fit their boxes and stay apart too.
      await page.getByTestId('lang-switch').click();
      await expect.poll(() => page.locator('.edge-label').first().textContent()).toMatch(/[A-Z]/);
      expect(await overflowing(page)).toEqual([]);
      const en = await canvasBoxes(page);
      const clashesEn = en.labels.flatMap((a, i) =>
        en.labels
          .slice(i + 1)
          .filter((b) => overlap(a, b))
          .map((b) => `${a.id} × ${b.id}`),
      );
      expect(clashesEn).toEqual([]);
    },
  );
});
