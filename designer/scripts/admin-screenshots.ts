// Screenshots of the administration pages for the README: `npm run build -w @poolflow/designer && node
// --import tsx designer/scripts/admin-screenshots.ts` seeds two departments, a dozen users with
// seniority and teams, CRM and HR policies and three pools with members and records, and writes
// docs/screenshots/admin-users.png, admin-users-zh.png, admin-user-edit.png, admin-departments.png,
// admin-pools.png and admin-pool.png.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, apiCall, logIn, startScreenshots } from './harness.js';

const { out, runtime, browser } = await startScreenshots();

try {
  const admin = (
    await apiCall<{ token: string }>(runtime.url, null, 'POST', '/api/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    })
  ).token;
  const call = <T = unknown>(method: string, path: string, body?: unknown) =>
    apiCall<T>(runtime.url, admin, method, path, body);

  await call('POST', '/api/departments', { key: 'sales', name: { en: 'Sales', zh: '销售部' } });
  await call('POST', '/api/departments', {
    key: 'hr',
    name: { en: 'Human resources', zh: '人力资源部' },
  });
  const people: [string, string, string[], string, Record<string, unknown>][] = [
    ['zhou.hua', 'Zhou Hua', ['departmentAdmin', 'member'], 'sales', {}],
    ['wang.min', 'Wang Min', ['manager', 'member'], 'sales', { seniority: 'senior', team: 'east' }],
    ['li.na', 'Li Na', ['member'], 'sales', { seniority: 'senior', team: 'east' }],
    ['chen.yu', 'Chen Yu', ['member'], 'sales', { seniority: 'junior', team: 'east' }],
    ['zhang.wei', 'Zhang Wei', ['member'], 'sales', { seniority: 'junior', team: 'north' }],
    ['liu.yang', 'Liu Yang', ['member'], 'sales', { seniority: 'senior', team: 'north' }],
    ['zhao.lei', 'Zhao Lei', ['member'], 'sales', { seniority: 'junior', team: 'north' }],
    ['sun.li', 'Sun Li', ['departmentAdmin', 'member'], 'hr', {}],
    ['huang.qing', 'Huang Qing', ['member'], 'hr', { seniority: 'senior' }],
    ['wu.fang', 'Wu Fang', ['member'], 'hr', { seniority: 'junior' }],
  ];
  const ids: Record<string, string> = {};
  for (const [username, displayName, roles, departmentId, attributes] of people) {
    const user = await call<{ id: string }>('POST', '/api/users', {
      username,
      password: `${username}-password`,
      displayName,
      roles,
      attributes,
      departmentId,
    });
    ids[username] = user.id;
  }
  await call('PATCH', `/api/users/${ids['zhao.lei']}`, { disabled: true });

  for (const policy of ['crm-customer-pool', 'hr-candidate-pool']) {
    const template = await call<{ document: object }>('GET', `/api/templates/${policy}`);
    await call('POST', '/api/policies', { document: template.document });
    await call('POST', `/api/policies/${policy}/publish`, { message: 'From the template' });
  }
  const member = (username: string, role: 'member' | 'admin' = 'member', capacity?: number) => ({
    userId: ids[username],
    role,
    ...(capacity === undefined ? {} : { capacity }),
  });
  const pools = [
    {
      key: 'sales-east',
      name: { en: 'Sales East', zh: '华东销售公海' },
      policyId: 'crm-customer-pool',
      distribution: 'roundRobin',
      departmentId: 'sales',
      members: [
        member('wang.min', 'admin'),
        member('li.na', 'member', 60),
        member('chen.yu', 'member', 30),
      ],
      records: 48,
    },
    {
      key: 'sales-north',
      name: { en: 'Sales North', zh: '华北销售公海' },
      policyId: 'crm-customer-pool',
      distribution: 'manual',
      departmentId: 'sales',
      members: [member('wang.min', 'admin'), member('zhang.wei'), member('liu.yang')],
      records: 23,
    },
    {
      key: 'talent',
      name: { en: 'Talent pool', zh: '人才库' },
      policyId: 'hr-candidate-pool',
      distribution: 'manual',
      departmentId: 'hr',
      members: [member('sun.li', 'admin'), member('huang.qing'), member('wu.fang')],
      records: 0,
    },
  ];
  for (const { records, ...pool } of pools) {
    await call('POST', '/api/pools', { ...pool, timeZone: 'Asia/Shanghai' });
    for (let i = 0; i < records; i++)
      await call('POST', `/api/pools/${pool.key}/records`, {
        data: { name: `Customer ${i + 1}`, industry: 'trade' },
      });
  }

  const open = async (lang: 'en' | 'zh', hash: string, height = 760): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height } });
    await context.addInitScript((l) => localStorage.setItem('poolflow.lang', l), lang);
    const page = await context.newPage();
    await logIn(page, runtime.url);
    await page.goto(`${runtime.url}/${hash}`);
    return page;
  };
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: join(out, `${name}.png`) });
    console.log(join(out, `${name}.png`));
  };

  for (const lang of ['en', 'zh'] as const) {
    const page = await open(lang, '#/admin/users');
    await page.getByTestId('user-row-li.na').waitFor();
    await shot(page, lang === 'en' ? 'admin-users' : 'admin-users-zh');
    if (lang === 'zh') continue;
    await page.getByTestId('user-edit-li.na').click();
    await page.getByTestId('user-form').waitFor();
    await page.locator('.dialog').screenshot({ path: join(out, 'admin-user-edit.png') });
    console.log(join(out, 'admin-user-edit.png'));
    await page.context().close();
  }
  const departments = await open('en', '#/admin/departments', 560);
  await departments.getByTestId('department-row-hr').waitFor();
  await shot(departments, 'admin-departments');
  const list = await open('en', '#/admin/pools', 560);
  await list.getByTestId('pool-row-talent').waitFor();
  await shot(list, 'admin-pools');
  const one = await open('en', '#/admin/pools/sales-east', 820);
  await one.getByTestId('member-row-li.na').waitFor();
  await shot(one, 'admin-pool');
} finally {
  await browser.close();
  await runtime.close();
}
