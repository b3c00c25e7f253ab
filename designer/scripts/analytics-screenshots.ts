// Screenshots of the analytics page and its per-rep table for the README, on the demo data of
// `npm run demo`: `node --import tsx designer/scripts/analytics-screenshots.ts` builds the designer,
// seeds a fresh demo database in a temporary folder, serves it, and writes docs/screenshots/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../../runtime-api/src/app.js';
import { ADMIN_PASSWORD, designerDir, launchChromium, logInAs } from './harness.js';

const out = join(designerDir, '..', 'docs', 'screenshots');
const demoScript = join(designerDir, '..', 'runtime-api', 'src', 'demo.ts');
const DEMO_PASSWORD = 'poolflow-demo';
mkdirSync(out, { recursive: true });

const dataDir = mkdtempSync(join(tmpdir(), 'poolflow-demo-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  POOLFLOW_DATA_DIR: dataDir,
  POOLFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
};
delete env['DATABASE_URL'];
execFileSync(process.execPath, ['--import', 'tsx', demoScript], { env, stdio: 'inherit' });

// Built every time: the page must be today's, not whatever dist/ holds.
const { build } = await import('vite');
await build({ configFile: join(designerDir, 'vite.config.ts'), logLevel: 'warn' });
const app = await buildApp({ dataDir, clock: 'system', secret: 'screenshots' });
await app.sweeper.sweepAll();
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const browser: Browser = await launchChromium();

async function open(lang: 'en' | 'zh', height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height } });
  await context.addInitScript((l) => localStorage.setItem('poolflow.lang', l), lang);
  const page = await context.newPage();
  await logInAs(page, url, 'manager', DEMO_PASSWORD);
  return page;
}

try {
  for (const lang of ['en', 'zh'] as const) {
    const page = await open(lang, 2300);
    await page.goto(`${url}/#/pools/crm/analytics`);
    await page.getByTestId('flow-chart').waitFor();
    await page.getByTestId('rep-table').waitFor();
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    const suffix = lang === 'en' ? '' : '-zh';
    await page.screenshot({ path: join(out, `workspace-analytics${suffix}.png`) });
    console.log(`docs/screenshots/workspace-analytics${suffix}.png`);
    await page
      .getByTestId('reps-panel')
      .screenshot({ path: join(out, `workspace-analytics-reps${suffix}.png`) });
    console.log(`docs/screenshots/workspace-analytics-reps${suffix}.png`);
    await page.context().close();
  }
} finally {
  await browser.close();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
