// Screenshots of the Failed timers page (en and zh) for the README: `npm run build -w @poolflow/designer
// && node --import tsx designer/scripts/failed-timers-screenshots.ts` seeds a pool whose release delay
// reads a field, gives three records bad values, lets the manual clock fail (and park) their timers,
// and writes docs/screenshots/workspace-failed-timers*.png (and copies to /tmp for a quick look).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitPolicy } from '../../runtime-api/test/fixtures/timer-policies.js';
import {
  ADMIN_PASSWORD,
  apiCall,
  designerDir,
  ensureDesignerBuilt,
  launchChromium,
  logInAs,
  startRuntime,
} from './harness.js';

const out = join(designerDir, '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

await ensureDesignerBuilt();
const runtime = await startRuntime();
const browser = await launchChromium();
const call = <T = unknown>(token: string | null, method: string, path: string, body?: unknown) =>
  apiCall<T>(runtime.url, token, method, path, body);

try {
  const login = async (username: string, password: string) =>
    (await call<{ token: string }>(null, 'POST', '/api/auth/login', { username, password })).token;
  const admin = await login('admin', ADMIN_PASSWORD);
  const boss = await call<{ id: string }>(admin, 'POST', '/api/users', {
    username: 'manager',
    password: 'manager-password',
    displayName: 'Wang Min',
    roles: ['manager'],
  });
  const policy = waitPolicy('follow-up-pool');
  policy['name'] = { en: 'Follow-up pool', zh: '跟进公海' };
  policy['entity'] = { ...(policy['entity'] as object), titleField: 'name' };
  const machine = policy['machine'] as { states: Record<string, Record<string, unknown>> };
  const labels: Record<string, { en: string; zh: string }> = {
    fresh: { en: 'New', zh: '新建' },
    owned: { en: 'Owned', zh: '私海' },
    pool: { en: 'In the pool', zh: '公海' },
  };
  for (const [state, label] of Object.entries(labels)) {
    const node = machine.states[state];
    node['meta'] = { ...(node['meta'] as object | undefined), label };
  }
  await call(admin, 'POST', '/api/policies', { document: policy });
  await call(admin, 'POST', '/api/policies/follow-up-pool/publish', { message: 'screenshots' });
  await call(admin, 'POST', '/api/pools', {
    key: 'follow-up',
    name: { en: 'Follow-up pool', zh: '跟进公海' },
    policyId: 'follow-up-pool',
    members: [{ userId: boss.id }],
  });
  const create = (name: string, wait: unknown) =>
    call(admin, 'POST', '/api/pools/follow-up/records', { data: { name, wait }, ownerId: boss.id });
  const advance = (minutes: number) => call(admin, 'POST', '/api/clock/advance', { minutes });

  for (const name of ['Acme Software', 'Delta Finance', 'Gamma Foods']) await create(name, 30);
  // One record fails at every try until it is parked (six attempts over about fifteen hours)…
  await create('Northwind Traders', 'next week');
  for (let i = 0; i < 6; i++) await advance(13 * 60);
  // …one has failed twice, one once.
  await create('Blue Harbor Foods', 'soon');
  await advance(2);
  await advance(2);
  await create('Lakeside Clinic', -5);
  await advance(2);

  for (const lang of ['en', 'zh'] as const) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 560 } });
    await context.addInitScript((l) => localStorage.setItem('poolflow.lang', l), lang);
    const page = await context.newPage();
    await logInAs(page, runtime.url, 'manager', 'manager-password');
    await page.goto(`${runtime.url}/#/pools/follow-up/failed-timers`);
    await page.getByTestId('failed-timer-row').nth(2).waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=record-link]')].every(
        (a) => !/^[0-9a-f]{8}$/.test(a.textContent ?? ''),
      ),
    );
    const name = lang === 'en' ? 'workspace-failed-timers' : 'workspace-failed-timers-zh';
    await page.screenshot({ path: join(out, `${name}.png`) });
    copyFileSync(
      join(out, `${name}.png`),
      lang === 'en' ? '/tmp/failed-timers.png' : '/tmp/failed-timers-zh.png',
    );
    console.log(`docs/screenshots/${name}.png`);
    await context.close();
  }
} finally {
  await browser.close();
  await runtime.close();
}
