// Screenshots of a pool's routing rules for the README: `npm run build -w @poolflow/designer && node
// --import tsx designer/scripts/routing-screenshots.ts` seeds the Sales pools with the example rules,
// tries a record in the simulator and writes docs/screenshots/routing-rules.png and routing-rules-zh.png.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { adminApi, logIn, startScreenshots } from './harness.js';
import { EXAMPLE_ROUTING, seedRoutingPools } from './routing-seed.js';

const { out, runtime, browser } = await startScreenshots();

/** Opens the entrance pool's routing in a language, tries a record and takes the picture. */
async function shoot(page: Page, lang: 'en' | 'zh', file: string): Promise<void> {
  await page.evaluate((l) => localStorage.setItem('poolflow.lang', l), lang);
  await page.goto(`${runtime.url}/#/admin/pools/leads/routing`);
  await page.reload();
  await page.getByTestId('routing-rules-3').waitFor();
  const simulator = page.getByTestId('routing-try');
  await simulator.locator('#routing-try_name').fill(lang === 'zh' ? '华东贸易' : 'ACME Trading');
  await simulator.locator('#routing-try_industry').selectOption({ index: 4 });
  await simulator.locator('#routing-try_level').selectOption({ label: 'A' });
  await simulator
    .locator('#routing-try_region')
    .selectOption({ label: lang === 'zh' ? '华东' : 'east' });
  await simulator.getByTestId('routing-try-run').click();
  await simulator.getByTestId('routing-try-result').waitFor();
  // The whole page down to Save: the app scrolls inside its own frame, so the viewport grows to it.
  const bottom = await page
    .getByTestId('routing-save')
    .evaluate((b) => b.getBoundingClientRect().bottom);
  await page.setViewportSize({ width: 1440, height: Math.ceil(bottom) + 32 });
  await page.screenshot({ path: join(out, file) });
  console.log(`wrote ${join(out, file)}`);
}

try {
  const call = await adminApi(runtime.url);
  await seedRoutingPools(call);
  await call('PUT', '/api/pools/leads/routing', EXAMPLE_ROUTING);

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await logIn(page, runtime.url);
  await shoot(page, 'en', 'routing-rules.png');
  await shoot(page, 'zh', 'routing-rules-zh.png');
} finally {
  await browser.close();
  await runtime.close();
}
