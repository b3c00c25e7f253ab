// End to end in Debian's Chromium against the real runtime: a claim rule that breaks the policy's own
// saved scenarios is refused at publish, the failing scenario opens in the simulator at its failing
// step, and "Publish anyway" with a reason leaves a forced badge in the version history.
// POOLFLOW_SCREENSHOTS=dir saves the refusal dialog as publish-gate-refusal.png there.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  logIn,
  openBrowserSession,
  type BrowserSession,
  type Runtime,
} from '../scripts/harness.js';

let session: BrowserSession | undefined;
let runtime: Runtime;
let page: Page;

beforeAll(async () => {
  session = await openBrowserSession();
  ({ runtime, page } = session);
}, 300_000);

afterAll(() => session?.close());

const byTestId = (id: string) => page.getByTestId(id);
const waitSaved = () => page.waitForSelector('[data-testid=save-status][data-status=saved]');

describe('publish gate end to end', () => {
  it(
    'refuses a publish its saved scenarios fail, shows why, and forces it with a reason',
    { timeout: 180_000 },
    async () => {
      await logIn(page, runtime.url);
      await byTestId('clone-crm-customer-pool').click();
      await byTestId('clone-id').fill('gate-crm');
      await byTestId('clone-name-en').fill('Gated customer pool');
      await byTestId('clone-submit').click();
      await byTestId('editor').waitFor();
      await byTestId('no-problems').waitFor();

      // The clone carries the template's scenarios, and they pass: v1 publishes as before.
      await byTestId('publish').click();
      await byTestId('publish-message').fill('first');
      await byTestId('publish-submit').click();
      await expect.poll(() => byTestId('latest-version').textContent()).toBe('Published v1');

      // A half-built "who may claim" rule: nobody in the scenarios has an empty seniority.
      await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
      await byTestId('settings-tab-claim').click();
      await byTestId('field-eligible-json-mode').click();
      await byTestId('field-eligible-json').fill(
        JSON.stringify({ '==': [{ var: 'user.attributes.seniority' }, ''] }),
      );
      await byTestId('field-eligible-json').blur();
      await waitSaved();

      await byTestId('publish').click();
      await byTestId('publish-message').fill('seniority rule');
      await byTestId('publish-submit').click();
      await byTestId('gate-refusal').waitFor();
      expect(await byTestId('gate-refusal-title').textContent()).toMatch(
        /^Not published: \d+ of \d+ saved scenarios fail$/,
      );
      const first = page.getByTestId('gate-failure').first();
      expect(await first.textContent()).toContain('Released after 30 days');
      expect(await first.textContent()).toContain('31 days after the start: bob sends CLAIM');
      expect(await first.textContent()).toContain('does not allow this user');
      if (process.env['POOLFLOW_SCREENSHOTS']) {
        await page.getByRole('dialog').screenshot({
          path: join(process.env['POOLFLOW_SCREENSHOTS'], 'publish-gate-refusal.png'),
        });
      }

      // Open it in the simulator: that scenario runs, and bob's refused claim is the marked step.
      await first.getByTestId('gate-open-simulator').click();
      await byTestId('gate-refusal').waitFor({ state: 'detached' });
      await page.waitForSelector('[data-testid=sim-summary][data-ok=false]');
      expect(await byTestId('scenario-picker').inputValue()).toBe('0');
      const marked = page.locator('[data-testid=trace-entry][data-highlight=true]');
      expect(await marked.count()).toBe(1);
      expect(await marked.textContent()).toContain('CLAIM');
      expect(await marked.isVisible()).toBe(true);
      if (process.env['POOLFLOW_SCREENSHOTS']) {
        await page.screenshot({
          path: join(process.env['POOLFLOW_SCREENSHOTS'], 'publish-gate-simulator.png'),
        });
      }

      // Publish anyway: only with a reason, and the version history says it was forced.
      await byTestId('publish').click();
      await byTestId('publish-submit').click();
      await byTestId('gate-refusal').waitFor();
      expect(await byTestId('publish-anyway').isDisabled()).toBe(true);
      await byTestId('publish-message').fill('Seniors only while the audit runs');
      await byTestId('publish-anyway').click();
      await expect.poll(() => byTestId('latest-version').textContent()).toBe('Published v2');
      await byTestId('tab-versions').click();
      const v2 = byTestId('version-2');
      await v2.getByTestId('forced-badge').waitFor();
      expect(await v2.textContent()).toContain('Seniors only while the audit runs');
      expect(await v2.getByTestId('forced-failures').textContent()).toContain(
        'Released after 30 days',
      );
      expect(await byTestId('version-1').getByTestId('forced-badge').count()).toBe(0);
    },
  );
});
