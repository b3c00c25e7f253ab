// End to end in Debian's Chromium against the real runtime: clone the CRM template, edit it, see a
// problem come and go, simulate, publish twice (past the template's saved scenarios, which still expect
// 30 days: forced), reload and find version 2 in the history.
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

async function waitSaved(): Promise<void> {
  await page.waitForSelector('[data-testid=save-status][data-status=saved]');
}

type Box = { x: number; y: number; width: number; height: number };

/**
 * Where a state is on screen once the canvas has stopped moving: "Fit view" moves the viewport on a
 * later frame, and a drag aimed at where a node was a frame before misses it.
 */
async function settledBox(selector: string): Promise<Box> {
  let last: Box | null = null;
  for (let frame = 0; frame < 120; frame += 1) {
    await page.evaluate(
      () =>
        new Promise<void>((done) =>
          requestAnimationFrame(() => requestAnimationFrame(() => done())),
        ),
    );
    const box = await page.locator(selector).boundingBox();
    if (box && last && JSON.stringify(box) === JSON.stringify(last)) return box;
    last = box;
  }
  throw new Error(`${selector} still moving after 120 frames`);
}

/** Drags a new transition from one state's handle onto another state. */
async function connect(from: string, to: string): Promise<void> {
  const source = await settledBox(`[data-testid=state-node-${from}] .state-handle.source`);
  const target = await settledBox(`[data-testid=state-node-${to}]`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + 10, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
}

describe('designer end to end', () => {
  it('clones, edits, simulates and publishes a policy', { timeout: 180_000 }, async () => {
    await logIn(page, runtime.url);

    // Clone the CRM template into a new policy.
    await byTestId('clone-crm-customer-pool').click();
    await byTestId('clone-id').fill('e2e-crm');
    await byTestId('clone-name-en').fill('E2E customer pool');
    await byTestId('clone-submit').click();
    await byTestId('editor').waitFor();
    await expect.poll(() => byTestId('policy-title').textContent()).toBe('E2E customer pool');
    await byTestId('no-problems').waitFor();

    // Protection period: 30 -> 45 days, in the delays form; the timer edge shows it.
    await byTestId('settings-tab-delays').click();
    await byTestId('field-release-days').fill('45');
    await expect.poll(() => byTestId('edge-owned:after:release:0').textContent()).toContain('45d');
    await waitSaved();

    // A new state: unreachable and without a way out, until transitions connect it.
    await byTestId('add-state').click();
    await byTestId('state-node-state').waitFor();
    await byTestId('state-name-input').fill('dormant');
    await byTestId('state-name-input').press('Enter');
    await byTestId('state-node-dormant').waitFor();
    const unreachable = page.locator(
      '[data-testid=problem][data-code=unreachable-state][data-path="/machine/states/dormant"]',
    );
    await unreachable.waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await byTestId('policy-settings').waitFor();
    await unreachable.click();
    await page.waitForSelector('[data-testid=state-inspector] >> text=dormant');

    // pool -> dormant by mouse, then named PARK in the inspector.
    await byTestId('fit-view').click();
    await connect('pool', 'dormant');
    await byTestId('transition-inspector').waitFor();
    await byTestId('transition-event-input').fill('PARK');
    await byTestId('transition-event-input').press('Enter');
    await byTestId('edge-pool:on:PARK:0').waitFor();
    await unreachable.waitFor({ state: 'detached' });
    await page
      .locator('[data-testid=problem][data-code=no-exit][data-path="/machine/states/dormant"]')
      .waitFor();

    // dormant -> pool from the keyboard: the problem is resolved.
    await byTestId('state-node-dormant').click();
    await byTestId('new-transition-event').fill('WAKE');
    await byTestId('new-transition-target').selectOption('pool');
    await byTestId('add-transition').click();
    await byTestId('edge-dormant:on:WAKE:0').waitFor();
    await byTestId('no-problems').waitFor();
    await waitSaved();

    // Simulate: with 45 days of protection the record is still owned on day 31, pooled on day 46.
    await byTestId('tab-simulator').click();
    await byTestId('scenario-json').fill(
      JSON.stringify({
        name: 'Released after 45 days',
        users: { alice: {}, bob: {} },
        entity: { name: 'ACME Trading', industry: 'trade' },
        owner: 'alice',
        steps: [
          { at: 'P31D', expect: { state: 'owned', ownerId: 'alice' } },
          { at: 'P46D', expect: { state: 'pool', ownerId: null } },
        ],
      }),
    );
    await byTestId('run-scenario').click();
    await page.waitForSelector('[data-testid=sim-summary][data-ok=true]');
    expect(await byTestId('sim-final-state').getAttribute('data-state')).toBe('pool');
    await page.waitForSelector('[data-testid=state-node-pool][data-lit=true]');
    await page.waitForSelector('[data-testid="edge-owned:after:release:0"][data-lit=true]');
    await byTestId('save-scenario').click();
    await waitSaved();

    // Publish version 1, change the claim rules, publish version 2.
    await byTestId('publish').click();
    await byTestId('publish-message').fill('Longer protection, dormant records');
    await byTestId('publish-submit').click();
    // The template's scenarios saved with the clone still expect release after 30 days: the publish
    // gate refuses and names them; publishing anyway takes a reason.
    await byTestId('gate-refusal').waitFor();
    expect(await byTestId('gate-refusal').textContent()).toContain('Released after 30 days');
    await byTestId('publish-message').fill('Longer protection, dormant records');
    await byTestId('publish-anyway').click();
    await expect.poll(() => byTestId('latest-version').textContent()).toBe('Published v1');
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await byTestId('settings-tab-claim').click();
    await byTestId('policy-settings').locator('#settings-claim_maxPerDay').fill('10');
    await waitSaved();
    await byTestId('publish').click();
    await byTestId('publish-message').fill('Fewer claims per day');
    await byTestId('publish-submit').click();
    await byTestId('gate-refusal').waitFor();
    await byTestId('publish-message').fill('Fewer claims per day');
    await byTestId('publish-anyway').click();
    await expect.poll(() => byTestId('latest-version').textContent()).toBe('Published v2');

    // Reload: the draft and both versions are there; v1 -> v2 shows the claim change.
    await page.reload();
    await byTestId('editor').waitFor();
    await byTestId('state-node-dormant').waitFor();
    await byTestId('tab-versions').click();
    await byTestId('version-2').waitFor();
    expect(await byTestId('version-2').textContent()).toContain('Fewer claims per day');
    await byTestId('version-1').waitFor();
    await page.waitForSelector('[data-testid=diff-item] >> text=claim');
    expect(await byTestId('version-diff').textContent()).toContain('maxPerDay');
  });
});
