// Screenshots of pool integrity for the README: `npm run build -w @poolflow/designer && node --import tsx
// designer/scripts/integrity-screenshots.ts` seeds a CRM pool that audits follow-ups (a short note is
// always picked, others sampled), has a rep follow up on a few customers and a manager decide one, and
// writes docs/screenshots/audit-queue.png, audit-queue-zh.png, record-next-call.png and
// record-duplicate.png (a manager adding a customer the rep has: refused as a duplicate, 查重).
import { join } from 'node:path';
import { pageAs, startScreenshots } from './harness.js';
import { INTEGRITY_POOL as POOL, passwordOf, seedIntegrity } from './integrity-seed.js';

const { out, runtime, browser } = await startScreenshots();
const as = (username: string, lang: 'en' | 'zh', height: number) =>
  pageAs(
    browser,
    runtime.url,
    { username, password: passwordOf(username) },
    { lang, viewport: { width: 1440, height } },
  );
try {
  const customers = ['Acme Software', 'Beta Trading', 'Delta Finance', 'Gamma Foods'];
  const seed = await seedIntegrity(runtime, customers, {
    sampleRate: 1,
    force: { rule: 'shortFollowUpNote' },
  });
  const advance = (hours: number) => seed.call('admin', 'POST', '/api/clock/advance', { hours });
  const followUp = (name: string, channel: string, note: string, who: 'rep' | 'boss' = 'rep') =>
    seed.call(who, 'POST', `/api/pools/${POOL}/records/${seed.records[name]}/events`, {
      type: 'FOLLOW_UP',
      payload: { channel, note },
    });
  await advance(24 * 6);
  await followUp('Gamma Foods', 'visit', 'Met the buyer at their warehouse, sample order agreed');
  await advance(20);
  await followUp('Acme Software', 'call', 'Asked for a demo of the reporting module next week');
  await advance(26);
  await followUp('Beta Trading', 'wechat', 'ok');
  await advance(3);
  await followUp('Delta Finance', 'visit', 'Visited the office, talked about the renewal');
  await advance(2);
  // One verdict already given: the Decided tab is not empty.
  const open = await seed.call<{ items: { id: string; recordId: string }[] }>(
    'boss',
    'GET',
    `/api/pools/${POOL}/audits?status=open`,
  );
  const gamma = open.items.find((a) => a.recordId === seed.records['Gamma Foods'])!;
  await seed.call('boss', 'POST', `/api/pools/${POOL}/audits/${gamma.id}`, {
    verdict: 'confirmed',
  });

  for (const lang of ['en', 'zh'] as const) {
    const page = await as('wang', lang, 740);
    await page.goto(`${runtime.url}/#/pools/${POOL}/audits`);
    await page.getByTestId('audit-card').nth(2).waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=audit-card] .loading').length === 0,
    );
    const name = lang === 'en' ? 'audit-queue' : 'audit-queue-zh';
    await page.screenshot({ path: join(out, `${name}.png`) });
    console.log(`docs/screenshots/${name}.png`);
    await page.context().close();
  }

  // The rep's record the day after a call, about to call again: when the next call is allowed.
  const page = await as('chen', 'en', 700);
  await page.goto(`${runtime.url}/#/pools/${POOL}/records/${seed.records['Acme Software']}`);
  await page.getByTestId('next-contact').waitFor();
  await page.getByTestId('event-FOLLOW_UP').click();
  await page.locator('#event-FOLLOW_UP_channel').selectOption({ label: 'call' });
  await page.locator('#event-FOLLOW_UP_note').fill('Calling again about the demo date');
  await page.getByTestId('event-form-FOLLOW_UP').getByTestId('next-contact').waitFor();
  await page.screenshot({ path: join(out, 'record-next-call.png') });
  console.log('docs/screenshots/record-next-call.png');
  await page.context().close();

  // The manager adds a customer the rep has already (查重): refused, naming whose it is.
  const boss = await as('wang', 'en', 700);
  await boss.goto(`${runtime.url}/#/pools/${POOL}/mine`);
  await boss.getByTestId('new-record').click();
  await boss.locator('#new-record_name').fill('  ACME software');
  await boss.getByTestId('new-record-submit').click();
  await boss.getByTestId('new-record-duplicate').waitFor();
  await boss.screenshot({ path: join(out, 'record-duplicate.png') });
  console.log('docs/screenshots/record-duplicate.png');
  await boss.context().close();
} finally {
  await browser.close();
  await runtime.close();
}
