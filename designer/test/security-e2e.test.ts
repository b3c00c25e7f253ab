// In Debian's Chromium against the real runtime: the designer (editor, simulator) and the API docs work
// under the runtime's Content-Security-Policy, and Log out ends the session on the server.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  logIn,
  openBrowserSession,
  type BrowserSession,
  type Runtime,
} from '../scripts/harness.js';

let runtime: Runtime;
let browser: Browser;

/** A page that records CSP violations, script errors and console errors. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return { page, problems };
}

let session: BrowserSession | undefined;

beforeAll(async () => {
  session = await openBrowserSession();
  ({ runtime, browser } = session);
}, 300_000);

afterAll(() => session?.close());

describe('security in the browser', () => {
  it('runs the editor and the simulator with no CSP violation', async () => {
    const { page, problems } = await watchedPage();
    const reply = await page.goto(runtime.url);
    expect(reply?.headers()['content-security-policy']).toContain("script-src 'self'");
    await logIn(page, runtime.url);
    await page.getByTestId('clone-crm-customer-pool').click();
    await page.getByTestId('clone-id').fill('csp-pool');
    await page.getByTestId('clone-submit').click();
    await page.getByTestId('editor').waitFor();
    expect(await page.locator('.react-flow__node').count()).toBeGreaterThan(3);
    await page.getByTestId('tab-simulator').click();
    await page.getByTestId('scenario-picker').selectOption({ index: 1 });
    await page.getByTestId('run-scenario').click();
    await page.waitForSelector('[data-testid=sim-summary][data-ok=true]');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the API docs with no CSP violation', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${runtime.url}/docs`);
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Log out revokes the token on the server', async () => {
    const { page } = await watchedPage();
    await logIn(page, runtime.url);
    const token = await page.evaluate(() => localStorage.getItem('poolflow.token'));
    expect(token).toMatch(/^pf_/);
    const me = () =>
      fetch(new URL('/api/me', runtime.url), { headers: { authorization: `Bearer ${token}` } });
    expect((await me()).status).toBe(200);
    const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.getByRole('button', { name: 'Log out' }).click();
    expect((await loggedOut).status()).toBe(204);
    await page.getByTestId('login-form').waitFor();
    expect((await me()).status).toBe(401);
    await page.close();
  });
});
