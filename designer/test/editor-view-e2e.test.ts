// In Debian's Chromium: what the canvas shows of a cloned template and where new things land. The HR
// template opened with its "◷ reengage · 90d" label cut off at the left edge and Fit view left it
// so; a new state landed on the "CLAIM" label; a failed import's notice outlived a good import.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  logIn,
  openBrowserSession,
  type BrowserSession,
  type Runtime,
} from '../scripts/harness.js';
import { canvasBoxes, edgeLinePoints, overlap } from './canvas-boxes.js';

let session: BrowserSession | undefined;
let runtime: Runtime;
let page: Page;

beforeAll(async () => {
  session = await openBrowserSession();
  ({ runtime, page } = session);
}, 300_000);

afterAll(() => session?.close());

/** Labels and states not wholly inside the canvas. */
async function cutOff(page: Page): Promise<string[]> {
  const { canvas, labels, nodes } = await canvasBoxes(page);
  return [...labels, ...nodes]
    .filter(
      (b) =>
        b.x < canvas.x ||
        b.y < canvas.y ||
        b.x + b.width > canvas.x + canvas.width ||
        b.y + b.height > canvas.y + canvas.height,
    )
    .map((b) => b.id);
}

/** The labels, other states and edges' lines the state `id` stands on. */
async function coveredBy(page: Page, id: string): Promise<string[]> {
  const { labels, nodes } = await canvasBoxes(page);
  const state = nodes.find((n) => n.id === id);
  const boxes = [...labels, ...nodes.filter((n) => n.id !== id)]
    .filter((b) => state && overlap(state, b))
    .map((b) => b.id);
  const lines = (await edgeLinePoints(page))
    .filter((p) => state && overlap(state, { ...p, width: 0, height: 0 }))
    .map((p) => `line ${p.id}`);
  return [...boxes, ...new Set(lines)];
}

const frames = (page: Page) =>
  page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );

describe('the editor canvas, in Chromium', () => {
  it(
    'shows every label of a cloned template and adds new states in free space',
    { timeout: 180_000 },
    async () => {
      await logIn(page, runtime.url);
      await page.getByTestId('clone-hr-candidate-pool').click();
      await page.getByTestId('clone-id').fill('hr-view');
      await page.getByTestId('clone-submit').click();
      await page.getByTestId('editor').waitFor();
      await expect
        .poll(() => page.locator('.edge-label.routed').count(), { timeout: 20_000 })
        .toBe(await page.locator('.edge-label').count());
      expect(await page.locator('.edge-label').count()).toBeGreaterThan(5);
      await expect.poll(() => cutOff(page), { timeout: 10_000 }).toEqual([]);

      // A new state (N, then the button) covers no label, no other state and no edge's line: at once,
      // and once ELK has laid out the graph with it (every label routed again).
      const before = new Set((await canvasBoxes(page)).nodes.map((n) => n.id));
      for (const add of [
        () => page.keyboard.press('n'),
        () => page.getByTestId('add-state').click(),
      ]) {
        await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
        await add();
        await page.getByTestId('state-inspector').waitFor();
        await frames(page);
        const added = (await canvasBoxes(page)).nodes.find((n) => !before.has(n.id));
        expect(added).toBeDefined();
        before.add(added?.id ?? '');
        expect(await coveredBy(page, added?.id ?? '')).toEqual([]);
        await expect
          .poll(() => page.locator('.edge-label.routed').count(), { timeout: 20_000 })
          .toBe(await page.locator('.edge-label').count());
        expect(await coveredBy(page, added?.id ?? '')).toEqual([]);
      }
    },
  );

  it('fits the view to the edge labels, not only to the states', { timeout: 60_000 }, async () => {
    // A timer looping on the leftmost state: its label stands far to the left of every state.
    const doc = {
      machine: {
        initial: 'a',
        states: {
          a: { after: { reengage_after_a_long_quiet_spell: { target: 'a' } }, on: { GO: 'b' } },
          b: {},
        },
      },
      delays: { reengage_after_a_long_quiet_spell: { days: 90 } },
      entity: { schema: { type: 'object', properties: {} } },
      layout: { a: { x: 0, y: 0 }, b: { x: 0, y: 200 } },
    };
    await page.getByTestId('import-file').setInputFiles({
      name: 'loop.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(doc)),
    });
    await page.locator('.react-flow__node[data-id=a]').waitFor();
    // GO runs along ELK's route once it is laid out; the loop is drawn as a curve.
    await expect
      .poll(() => page.locator('.edge-label.routed').count(), { timeout: 20_000 })
      .toBe(1);
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('f');
    await frames(page);
    await expect.poll(() => cutOff(page), { timeout: 10_000 }).toEqual([]);
    // The toolbar's Fit view does the same after the graph was panned aside.
    await page.mouse.move(500, 400);
    await page.mouse.down();
    await page.mouse.move(900, 600, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('fit-view').click();
    await frames(page);
    await expect.poll(() => cutOff(page), { timeout: 10_000 }).toEqual([]);
  });

  it(
    'clears a failed import notice once a later import succeeds',
    { timeout: 60_000 },
    async () => {
      const file = (name: string, text: string) => ({
        name,
        mimeType: 'application/json',
        buffer: Buffer.from(text),
      });
      await page.getByTestId('import-file').setInputFiles(file('broken.json', '{"machine":'));
      await expect
        .poll(() => page.getByTestId('notice').textContent())
        .toMatch(/^Not a policy document/);
      const good = {
        machine: { initial: 'a', states: { a: {} } },
        entity: { schema: { type: 'object', properties: {} } },
      };
      await page.getByTestId('import-file').setInputFiles(file('good.json', JSON.stringify(good)));
      await page.locator('.react-flow__node[data-id=a]').waitFor();
      expect(await page.getByTestId('notice').count()).toBe(0);
    },
  );

  /**
   * Reloads a fresh clone of the CRM template with ELK's code held back, makes `move` (the user's), lets
   * ELK through and checks that the view is where the move left it once the routed labels are drawn.
   */
  async function keepsMoveBeforeRoutes(id: string, move: (page: Page) => Promise<void>) {
    // A fresh page of its own; after the clone (which lays the template out with ELK) it is reloaded
    // with ELK's code held back until the move is made (routing turns the HTTP cache off).
    const context = await session!.browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const fresh = await context.newPage();
      await logIn(fresh, runtime.url);
      await fresh.getByTestId('clone-crm-customer-pool').click();
      await fresh.getByTestId('clone-id').fill(id);
      await fresh.getByTestId('clone-submit').click();
      await fresh.getByTestId('editor').waitFor();
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      await fresh.route('**/assets/elk*', async (route) => {
        await released;
        await route.continue();
      });
      await fresh.reload();
      await fresh.locator('.react-flow__node').first().waitFor();
      expect(await fresh.locator('.edge-label.routed').count()).toBe(0);

      const transform = () =>
        fresh
          .locator('.react-flow__viewport')
          .evaluate((el) => (el as HTMLElement).style.transform);
      const before = await transform();
      await move(fresh);
      await expect.poll(transform).not.toBe(before);
      const moved = await transform();

      release();
      await expect
        .poll(() => fresh.locator('.edge-label.routed').count(), { timeout: 20_000 })
        .toBeGreaterThan(0);
      await frames(fresh);
      await frames(fresh);
      expect(await transform()).toBe(moved);
    } finally {
      await context.close();
    }
  }

  it(
    'keeps a pan made before the edge routes arrive (the fit to their labels undid it)',
    { timeout: 120_000 },
    () =>
      keepsMoveBeforeRoutes('crm-pan', async (page) => {
        const pane = (await page.locator('.react-flow__pane').boundingBox())!;
        const from = { x: pane.x + 20, y: pane.y + 20 }; // clear of the controls, bottom left
        await page.mouse.move(from.x, from.y);
        await page.mouse.down();
        await page.mouse.move(from.x + 150, from.y + 80, { steps: 5 });
        await page.mouse.up();
      }),
  );

  it('keeps a zoom by the + button made before the edge routes arrive', { timeout: 120_000 }, () =>
    keepsMoveBeforeRoutes('crm-zoom', async (page) => {
      await page.locator('.react-flow__controls-zoomin').click();
    }),
  );
});
