// Screenshots of the designer's main screens for the README:
// `node --import tsx designer/scripts/screenshots.ts` writes docs/screenshots/*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  designerDir,
  ensureDesignerBuilt,
  launchChromium,
  logIn,
  startRuntime,
} from './harness.js';

const out = join(designerDir, '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

async function shot(page: Page, name: string): Promise<void> {
  // Let transitions and the canvas settle on their final frame.
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

async function clone(page: Page, template: string, id: string): Promise<void> {
  await page.getByTestId(`clone-${template}`).click();
  await page.getByTestId('clone-id').fill(id);
  await page.getByTestId('clone-submit').click();
  await page.getByTestId('editor').waitFor();
}

async function publish(page: Page, message: string): Promise<void> {
  await page.waitForSelector('[data-testid=save-status][data-status=saved]');
  await page.getByTestId('publish').click();
  await page.getByTestId('publish-message').fill(message);
  await page.getByTestId('publish-submit').click();
  // Edits the template's saved scenarios no longer match (45 days) are refused by the publish gate.
  await page.waitForFunction(
    () =>
      !document.querySelector('[role=dialog]') ||
      document.querySelector('[data-testid=gate-refusal]'),
  );
  if (await page.getByTestId('gate-refusal').isVisible()) {
    await page.getByTestId('publish-message').fill(message);
    await page.getByTestId('publish-anyway').click();
  }
  await page.waitForSelector('[role=dialog]', { state: 'detached' });
}

await ensureDesignerBuilt();
const runtime = await startRuntime();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(runtime.url);
  await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
  await shot(page, 'login');

  await logIn(page, runtime.url);
  await clone(page, 'hr-candidate-pool', 'talent-pool');
  await page.goto(`${runtime.url}/#/`);
  await clone(page, 'crm-customer-pool', 'customer-pool');
  await publish(page, 'Initial policy from the CRM template');
  await page.goto(`${runtime.url}/#/`);
  await page.getByTestId('policy-customer-pool').waitFor();
  await shot(page, 'policies');

  await page.getByTestId('policy-customer-pool').click();
  await page.getByTestId('state-node-pool').click();
  await page.getByTestId('state-inspector').waitFor();
  await shot(page, 'editor');

  // The simulator plays a template scenario on the real engine and lights the path taken.
  await page.getByTestId('tab-simulator').click();
  await page
    .getByTestId('scenario-picker')
    .selectOption({ label: '"Not within six months": long-term nurture, then the pool' });
  await page.getByTestId('run-scenario').click();
  await page.waitForSelector('[data-testid=sim-summary][data-ok=true]');
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await shot(page, 'simulator');

  // A 45-day protection period and a PARK transition, published as version 2.
  await page.getByTestId('settings-tab-delays').click();
  await page.getByTestId('field-release-days').fill('45');
  await page.getByTestId('state-node-review').click();
  await page.getByTestId('new-transition-event').fill('PARK');
  await page.getByTestId('new-transition-target').selectOption('nurture');
  await page.getByTestId('add-transition').click();
  await publish(page, 'Protection 45 days; review can park a record');
  await page.getByTestId('notice').click();
  await page.getByTestId('version-diff').waitFor();
  await page.getByTestId('state-node-review').click();
  await shot(page, 'versions');

  await page.getByTestId('lang-switch').click();
  await page.getByTestId('tab-problems').click();
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.getByTestId('settings-tab-claim').click();
  await shot(page, 'editor-zh');
} finally {
  await browser.close();
  await runtime.close();
}
