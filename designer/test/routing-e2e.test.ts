// End to end in Debian's Chromium: the admin opens the entrance pool's routing, adds the rule
// "region = east → East China" with the rule builder, tries a record and sees where it lands, has a
// rule without a target refused next to its field, saves, reloads and finds the rule kept.
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  logIn,
  openBrowserSession,
  type ApiCaller,
  type BrowserSession,
} from '../scripts/harness.js';
import { seedRoutingPools } from '../scripts/routing-seed.js';

let session: BrowserSession;
let api: ApiCaller;

/** The last condition row of a rule builder: field, operator and value. */
async function setCondition(when: Locator, field: string, value: string): Promise<void> {
  await when.getByTestId('add-rule').click();
  const rule = when.getByTestId('rule').last();
  await rule.getByTestId('fields').selectOption({ label: field });
  await rule.getByTestId('operators').selectOption('=');
  await rule.getByTestId('value-editor').selectOption(value);
}

beforeAll(async () => {
  session = await openBrowserSession();
  api = await adminApi(session.runtime.url);
  await seedRoutingPools(api);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('routing rules in Chromium', () => {
  it(
    'admin adds region = east → East China, tries a record, saves and finds it after a reload',
    { timeout: 180_000 },
    async () => {
      const { page, runtime } = session;
      await logIn(page, runtime.url);
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('admin-tab-pools').click();
      await page.getByTestId('pool-row-leads').click();
      await page.getByTestId('pool-tab-routing').click();
      await page.getByTestId('routing-page').waitFor();
      expect(page.url()).toMatch(/#\/admin\/pools\/leads\/routing$/);
      // Targets: the department's other pools of the same policy, not the entrance itself.
      await page.getByTestId('routing-add-rule').click();
      const rule = page.getByTestId('routing-rules-0');
      const targets = await rule
        .getByTestId('routing-rules-0-pool')
        .locator('option')
        .allTextContents();
      expect(targets.slice(1)).toEqual([
        'East China (east)',
        'North China (north)',
        'Nurture (nurture)',
        'Senior team (senior)',
      ]);
      await rule.getByTestId('routing-rules-0-name').fill('east');
      await setCondition(rule.getByTestId('routing-rules-0-when'), 'entity.Region', 'east');
      await rule.getByTestId('routing-rules-0-pool').selectOption('east');

      // Tried before it is saved: the simulator sends the rules as they stand.
      const simulator = page.getByTestId('routing-try');
      await simulator.locator('#routing-try_name').fill('ACME Trading');
      await simulator.locator('#routing-try_region').selectOption({ label: 'east' });
      await simulator.getByTestId('routing-try-run').click();
      await expect
        .poll(() => simulator.getByTestId('routing-try-result').textContent())
        .toBe('lands in East China by rule east');
      await simulator.locator('#routing-try_region').selectOption({ label: 'north' });
      await simulator.getByTestId('routing-try-run').click();
      await expect
        .poll(() => simulator.getByTestId('routing-try-result').textContent())
        .toBe('stays in Leads: no routing rule holds');

      // A second rule without a target: the runtime's refusal shows under that rule's pool.
      await page.getByTestId('routing-add-rule').click();
      await page.getByTestId('routing-rules-1-pool').selectOption('');
      await page.getByTestId('routing-save').click();
      await page.getByTestId('routing-rules-1-pool-error').waitFor();
      expect(await page.getByTestId('routing-saved').count()).toBe(0);
      expect((await api<{ rules: unknown[] }>('GET', '/api/pools/leads/routing')).rules).toEqual(
        [],
      );
      await page.getByTestId('routing-rules-1-remove').click();
      await page.getByTestId('routing-save').click();
      await page.getByTestId('routing-saved').waitFor();

      const east = {
        name: 'east',
        when: { '==': [{ var: 'entity.region' }, 'east'] },
        pool: 'east',
      };
      expect(await api('GET', '/api/pools/leads/routing')).toEqual({ rules: [east] });

      await page.reload();
      await page.getByTestId('routing-rules-0').waitFor();
      expect(await page.getByTestId('routing-rules-0-name').inputValue()).toBe('east');
      expect(await page.getByTestId('routing-rules-0-pool').inputValue()).toBe('east');
      const kept = page.getByTestId('routing-rules-0-when').getByTestId('rule');
      expect(await kept.getByTestId('fields').inputValue()).toBe('entity.region');
      expect(await kept.getByTestId('value-editor').inputValue()).toBe('east');
      expect(await page.getByTestId('routing-rules-0-on-create').isChecked()).toBe(true);
      expect(await page.getByTestId('routing-rules-0-on-release').isChecked()).toBe(true);
    },
  );
});
